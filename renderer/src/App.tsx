import { QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import { useState } from 'react';
import { CacheEvents } from './api/cache-events';
import { createQueryClient } from './api/query-client';
import { createAppRouter } from './router';

/** The data layer (one query cache, fed by the contract's events) under the router. */
export function App() {
  const [client] = useState(createQueryClient);
  const [router] = useState(createAppRouter);
  return (
    <QueryClientProvider client={client}>
      <CacheEvents />
      <RouterProvider router={router} />
    </QueryClientProvider>
  );
}
