/** Where a click on a notification lands: an alert's on Explore with its scope and window as the search, the pipeline's on Health. */
import type { EventPayload } from '../shared/contract.js';
import type { PipelineNotification } from '../shared/pipeline-status.js';

export function navigateFor(n: PipelineNotification): EventPayload<'app.navigate'> {
  return n.explore ? { view: 'explore', explore: n.explore } : { view: 'health' };
}
