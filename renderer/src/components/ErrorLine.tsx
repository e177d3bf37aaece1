/**
 * A form's or card's error, announced to screen readers; nothing when there is none. With an id, the field it is
 * about points at it (aria-describedby), so a screen reader reads the error with the field.
 */
export function ErrorLine({ error, id }: { error: string | null; id?: string }) {
  return error ? (
    <p className="error-text" role="alert" id={id}>
      {error}
    </p>
  ) : null;
}
