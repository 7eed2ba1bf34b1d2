import type { TokenFailure } from '../../src/tokens/verify.ts';

/**
 * JWE examples from RFC 7520 ("Examples of Protecting Content Using JSON Object Signing and Encryption"),
 * section 5, compact serializations with the line breaks removed, and the symmetric keys they were made with.
 * The tests decrypt each one with jose first, so a transcription error shows up as a failed decryption.
 * All three encrypt the same plaintext, which starts "You can trust us to stick with you".
 */
export interface Rfc7520Vector {
  name: string;
  /** The example's key `k`, base64url. */
  key: string;
  compact: string;
  /** Why verifyEmbedToken refuses it. */
  expectedReason: TokenFailure;
}

/** §5.6 "Direct Encryption Using AES-GCM": alg "dir", enc "A128GCM" — our shape, the wrong content cipher. */
export const RFC7520_5_6_DIR_A128GCM: Rfc7520Vector = {
  name: 'RFC 7520 §5.6 dir + A128GCM',
  key: 'XctOhJAkA-pD9Lh7ZgW_2A',
  compact:
    'eyJhbGciOiJkaXIiLCJraWQiOiI3N2M3ZTJiOC02ZTEzLTQ1Y2YtODY3Mi02MTdiNWI0NTI0M2EiLCJlbmMiOiJBMTI4R0NNIn0' +
    '..refa467QzzKx6QAB' +
    '.JW_i_f52hww_ELQPGaYyeAB6HYGcR559l9TYnSovc23XJoBcW29rHP8yZOZG7YhLpT1bjFuvZPjQS-m0IFtVcXkZXdH_lr_FrdYt9HRUYkshtrMm' +
    'IUAyGmUnd9zMDB2n0cRDIHAzFVeJUDxkUwVAE7_YGRPdcqMyiBoCO-FBdE-Nceb4h3-FtBP-c_BIwCPTjb9o0SbdcdREEMJMyZBH8ySWMVi1gPD9y' +
    'xi-aQpGbSv_F9N4IZAxscj5g-NJsUPbjk29-s7LJAGb15wEBtXphVCgyy53CoIKLHHeJHXex45Uz9aKZSRSInZI-wjsY0yu3cT4_aQ3i1o-tiE-F8' +
    'Ios61EKgyIQ4CWao8PFMj8TTnp' +
    '.vbb32Xvllea2OtmHAdccRQ',
  expectedReason: 'bad_header',
};

/** §5.8 "Key Wrap Using AES-KeyWrap with AES-GCM": alg "A128KW", enc "A128GCM". */
export const RFC7520_5_8_A128KW_A128GCM: Rfc7520Vector = {
  name: 'RFC 7520 §5.8 A128KW + A128GCM',
  key: 'GZy6sIZ6wl9NJOKB-jnmVQ',
  compact:
    'eyJhbGciOiJBMTI4S1ciLCJraWQiOiI4MWIyMDk2NS04MzMyLTQzZDktYTQ2OC04MjE2MGFkOTFhYzgiLCJlbmMiOiJBMTI4R0NNIn0' +
    '.CBI6oDw8MydIx1IBntf_lQcw2MmJKIQx' +
    '.Qx0pmsDa8KnJc9Jo' +
    '.AwliP-KmWgsZ37BvzCefNen6VTbRK3QMA4TkvRkH0tP1bTdhtFJgJxeVmJkLD61A1hnWGetdg11c9ADsnWgL56NyxwSYjU1ZEHcGkd3EkU0vjHi9g' +
    'Tlb90qSYFfeF0LwkcTtjbYKCsiNJQkcIp1yeM03OmuiYSoYJVSpf7ej6zaYcMv3WwdxDFl8REwOhNImk2Xld2JXq6BR53TSFkyT7PwVLuq-1GwtGH' +
    'lQeg7gDT6xW0JqHDPn_H-puQsmthc9Zg0ojmJfqqFvETUxLAF-KjcBTS5dNy6egwkYtOt8EIHK-oEsKYtZRaa8Z7MOZ7UGxGIMvEmxrGCPeJa14' +
    'slv2-gaqK0kEThkaSqdYw0FkQZF' +
    '.ER7MWJZ1FBI_NKvn7Zb1Lw',
  expectedReason: 'malformed',
};

/** §5.9 "Compressed Content": A128KW + A128GCM with zip "DEF". */
export const RFC7520_5_9_COMPRESSED: Rfc7520Vector = {
  name: 'RFC 7520 §5.9 A128KW + A128GCM + zip DEF',
  key: 'GZy6sIZ6wl9NJOKB-jnmVQ',
  compact:
    'eyJhbGciOiJBMTI4S1ciLCJraWQiOiI4MWIyMDk2NS04MzMyLTQzZDktYTQ2OC04MjE2MGFkOTFhYzgiLCJlbmMiOiJBMTI4R0NNIiwiemlwIjoiREVGIn0' +
    '.5vUT2WOtQxKWcekM_IzVQwkGgzlFDwPi' +
    '.p9pUq6XHY0jfEZIl' +
    '.HbDtOsdai1oYziSx25KEeTxmwnh8L8jKMFNc1k3zmMI6VB8hry57tDZ61jXyezSPt0fdLVfe6Jf5y5-JaCap_JQBcb5opbmT60uWGml8blyiMQmO' +
    'n9J--XhhlYg0m-BHaqfDO5iTOWxPxFMUedx7WCy8mxgDHj0aBMG6152PsM-w5E_o2B3jDbrYBKhpYA7qi3AyijnCJ7BP9rr3U8kxExCpG3mK420T' +
    'jOw' +
    '.VILuUwuIxaLVmh5X-T7kmA',
  expectedReason: 'malformed',
};
