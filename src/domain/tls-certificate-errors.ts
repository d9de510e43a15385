/**
 * What Node's TLS says (error codes and alert names, upper-cased) when a certificate cannot be
 * used, by kind: the same words whether PostgreSQL or Temporal is on the other side.
 */
export const TLS_CERTIFICATE_ERRORS = {
  /** The peer's certificate is not signed by a CA this side trusts. */
  untrusted: /SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|CERT_SIGNATURE_FAILURE|CERT_UNTRUSTED/,
  /** The certificate is not for the name connected to. */
  wrongName: /ALTNAME_INVALID|HOSTNAME_MISMATCH/,
  /** The certificate is outside its validity period. */
  outOfDate: /CERT_HAS_EXPIRED|CERT_NOT_YET_VALID/,
} as const;
