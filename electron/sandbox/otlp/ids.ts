import { OtlpDecodeError } from './model.js';

/** OTLP/JSON carries ids as hex (not base64 as plain proto3 JSON would); '' means absent. */
export function normalizeHexId(value: string, bytes: 8 | 16, field: string): string {
  if (value === '') return '';
  if (value.length !== bytes * 2 || !/^[0-9a-fA-F]+$/.test(value)) {
    throw new OtlpDecodeError(`${field} must be ${bytes * 2} hex characters, got ${JSON.stringify(value.slice(0, 40))}`);
  }
  return value.toLowerCase();
}

export function bytesToHexId(value: Uint8Array, bytes: 8 | 16, field: string): string {
  if (value.length === 0) return '';
  if (value.length !== bytes) throw new OtlpDecodeError(`${field} must be ${bytes} bytes, got ${value.length}`);
  return Buffer.from(value).toString('hex');
}

export function isAllZero(hex: string): boolean {
  return /^0*$/.test(hex);
}
