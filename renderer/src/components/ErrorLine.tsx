/** A form's or card's error, announced to screen readers; nothing when there is none. */
export function ErrorLine({ error }: { error: string | null }) {
  return error ? (
    <p className="error-text" role="alert">
      {error}
    </p>
  ) : null;
}
