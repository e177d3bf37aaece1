/** A search that cannot be run as written: a sentence, and where in the query (0-based). */
import { BadInputError } from '../errors.js';

export class SearchSyntaxError extends BadInputError {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
    this.name = 'SearchSyntaxError';
  }
}
