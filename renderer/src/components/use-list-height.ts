import { useEffect, useState } from 'react';

/** A list's height that fills a good part of the window, whatever its size. */
export function useListHeight(reservedPx: number, min = 220, max = 640): number {
  const compute = () => Math.max(min, Math.min(max, window.innerHeight - reservedPx));
  const [height, setHeight] = useState(compute);
  useEffect(() => {
    const onResize = () => setHeight(compute());
    window.addEventListener('resize', onResize);
    return () => window.removeEventListener('resize', onResize);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the bounds are constants of the caller
  }, []);
  return height;
}
