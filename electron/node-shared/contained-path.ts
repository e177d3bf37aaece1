/** The file a URL path names inside a folder, or null for a path that escapes it (../, encoded slashes, bad escapes). */
import { join, normalize, sep } from 'node:path';

export function fileInside(root: string, urlPath: string, index = 'index.html'): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  const relative = normalize(decoded).replace(/^([/\\])+/, '');
  const file = join(root, relative === '' || relative === '.' ? index : relative);
  return file.startsWith(root + sep) ? file : null;
}
