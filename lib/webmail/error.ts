/** The one error adapters throw: a code the features explain in plain words (see lib/webmail/types.ts). */
export type WebmailErrorCode =
  | 'auth-expired' // session over: the user must log in again
  | 'forbidden' // token refused, permission denied
  | 'not-found' // message or folder no longer exists
  | 'quota-exceeded'
  | 'busy' // the server is already doing this (e.g. emptying a folder)
  | 'network' // no answer
  | 'server' // the server answered with an error
  | 'invalid-response' // the answer did not have the expected shape
  | 'unsupported'
  | 'aborted'
  | 'blocked'; // a firewall in front of the webmail answered with its block page: Balise stops until a person resumes

export class WebmailError extends Error {
  override readonly name = 'WebmailError';
  constructor(
    readonly code: WebmailErrorCode,
    message: string,
    readonly detail?: unknown,
  ) {
    super(message);
  }
}

export function isWebmailError(e: unknown): e is WebmailError {
  return e instanceof Error && e.name === 'WebmailError' && typeof (e as WebmailError).code === 'string';
}
