// A visitor's clip or image that cannot be used, with the status and message the route answers.
export class MediaRejectedError extends Error {
  constructor(
    readonly status: 413 | 415 | 422,
    message: string,
  ) {
    super(message);
    this.name = 'MediaRejectedError';
  }

  /** The error code the chat frame reads. */
  get code() {
    return this.status === 413 ? ('too_large' as const) : this.status === 415 ? ('unsupported_media' as const) : ('invalid' as const);
  }
}
