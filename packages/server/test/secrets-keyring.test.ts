import assert from 'node:assert/strict';
import { createDecipheriv, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { aesGcmOpen, aesGcmSeal, SecretKeyring, SecretKeyringError, type SecretPlace } from '../src/secrets/keyring.ts';

const hex = (value: string) => Buffer.from(value, 'hex');

/**
 * AES-256-GCM known answers: test cases 13–16 of McGrew & Viega, "The Galois/Counter Mode of Operation"
 * (the NIST GCM submission), in the shape of Wycheproof's aes_gcm_test.json groups.
 */
const GCM_256_VECTORS = [
  {
    name: 'test case 13: zero key, empty message',
    key: '0000000000000000000000000000000000000000000000000000000000000000',
    iv: '000000000000000000000000',
    aad: '',
    msg: '',
    ct: '',
    tag: '530f8afbc74536b9a963b4f1c4cb738b',
  },
  {
    name: 'test case 14: zero key, one zero block',
    key: '0000000000000000000000000000000000000000000000000000000000000000',
    iv: '000000000000000000000000',
    aad: '',
    msg: '00000000000000000000000000000000',
    ct: 'cea7403d4d606b6e074ec5d3baf39d18',
    tag: 'd0d1c8a799996bf0265b98b5d48ab919',
  },
  {
    name: 'test case 15: four blocks, no AAD',
    key: 'feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308',
    iv: 'cafebabefacedbaddecaf888',
    aad: '',
    msg: 'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255',
    ct: '522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad',
    tag: 'b094dac5d93471bdec1a502270e3cc6c',
  },
  {
    name: 'test case 16: partial block with AAD',
    key: 'feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308',
    iv: 'cafebabefacedbaddecaf888',
    aad: 'feedfacedeadbeeffeedfacedeadbeefabaddad2',
    msg: 'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39',
    ct: '522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662',
    tag: '76fc6ece0f4e1768cddf8853bb2d551b',
  },
] as const;

const flipBit = (bytes: Buffer, index: number, bit = 0): Buffer => {
  const copy = Buffer.from(bytes);
  copy[index] = copy[index]! ^ (1 << bit);
  return copy;
};

const key = (byte: number) => Buffer.alloc(32, byte);
const PLACE: SecretPlace = { orgId: 'acme', connectionId: 'conn_a', field: 'password' };

function expectKeyringError(work: () => unknown, reason: SecretKeyringError['reason'], message?: RegExp): void {
  assert.throws(work, (error: unknown) => {
    assert.ok(error instanceof SecretKeyringError, `expected a SecretKeyringError, got ${String(error)}`);
    assert.equal(error.reason, reason);
    if (message) assert.match(error.message, message);
    return true;
  });
}

describe('AES-256-GCM known answers (valid vectors)', () => {
  for (const vector of GCM_256_VECTORS) {
    it(`seals and opens ${vector.name}`, () => {
      const sealed = aesGcmSeal(hex(vector.key), hex(vector.iv), hex(vector.msg), hex(vector.aad));
      assert.equal(sealed.ciphertext.toString('hex'), vector.ct);
      assert.equal(sealed.tag.toString('hex'), vector.tag);
      const opened = aesGcmOpen(hex(vector.key), hex(vector.iv), hex(vector.ct), hex(vector.tag), hex(vector.aad));
      assert.equal(opened.toString('hex'), vector.msg);
    });
  }
});

describe('AES-256-GCM invalid vectors are refused', () => {
  const vector = GCM_256_VECTORS[3];
  interface Parts {
    key: Buffer;
    iv: Buffer;
    ct: Buffer;
    tag: Buffer;
    aad: Buffer;
  }
  const args = (): Parts => ({ key: hex(vector.key), iv: hex(vector.iv), ct: hex(vector.ct), tag: hex(vector.tag), aad: hex(vector.aad) });
  const open = (v: Parts) => aesGcmOpen(v.key, v.iv, v.ct, v.tag, v.aad);

  it('every flipped tag bit', () => {
    for (let index = 0; index < 16; index += 1) {
      for (let bit = 0; bit < 8; bit += 1) {
        const v = args();
        assert.throws(() => open({ ...v, tag: flipBit(v.tag, index, bit) }), Error, `tag byte ${index} bit ${bit}`);
      }
    }
  });

  it('a flipped bit in the ciphertext, the AAD or the IV', () => {
    const v = args();
    assert.throws(() => open({ ...v, ct: flipBit(v.ct, 0) }));
    assert.throws(() => open({ ...v, ct: flipBit(v.ct, v.ct.length - 1, 7) }));
    assert.throws(() => open({ ...v, aad: flipBit(v.aad, 5) }));
    assert.throws(() => open({ ...v, aad: Buffer.alloc(0) }));
    assert.throws(() => open({ ...v, iv: flipBit(v.iv, 11) }));
  });

  it('a truncated tag, even the correct tag\'s own prefix (which node:crypto accepts without authTagLength)', () => {
    const v = args();
    // The premise: without a pinned tag length Node verifies a 12-byte prefix of the right tag.
    const lax = createDecipheriv('aes-256-gcm', v.key, v.iv);
    lax.setAAD(v.aad);
    lax.setAuthTag(v.tag.subarray(0, 12));
    assert.equal(Buffer.concat([lax.update(v.ct), lax.final()]).toString('hex'), vector.msg);
    for (const length of [0, 4, 8, 12, 15]) {
      assert.throws(() => open({ ...v, tag: v.tag.subarray(0, length) }), RangeError, `tag of ${length} bytes`);
    }
  });

  it('keys and IVs of the wrong size', () => {
    const v = args();
    assert.throws(() => open({ ...v, key: v.key.subarray(0, 16) }), RangeError);
    assert.throws(() => open({ ...v, iv: Buffer.concat([v.iv, Buffer.alloc(4)]) }), RangeError);
    assert.throws(() => aesGcmSeal(v.key, v.iv.subarray(0, 8), Buffer.from('x'), v.aad), RangeError);
  });
});

describe('SecretKeyring', () => {
  const keyring = new SecretKeyring([{ version: 'v1', key: key(1) }]);

  it('round-trips under the newest key in the self-describing format, with a fresh IV each time', () => {
    const first = keyring.encryptSecret('s3cret pässword', PLACE);
    const second = keyring.encryptSecret('s3cret pässword', PLACE);
    assert.match(first, /^v1:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]+:[A-Za-z0-9_-]{22}$/);
    assert.notEqual(first, second);
    assert.notEqual(first.split(':')[1], second.split(':')[1]);
    assert.ok(!first.includes('s3cret'));
    assert.deepEqual(keyring.decryptSecret(first, PLACE), { plaintext: 's3cret pässword', needsRotation: false });
    assert.deepEqual(keyring.decryptSecret(keyring.encryptSecret('', PLACE), PLACE), { plaintext: '', needsRotation: false });
  });

  it('binds the value to its organization, connection and field', () => {
    const stored = keyring.encryptSecret('s3cret', PLACE);
    for (const other of [
      { ...PLACE, orgId: 'globex' },
      { ...PLACE, connectionId: 'conn_b' },
      { ...PLACE, field: 'apiKey' },
      // The AAD encoding is unambiguous: shifting text between parts is a different place.
      { orgId: 'acme', connectionId: 'conn_apassword', field: 'x' },
    ]) {
      expectKeyringError(() => keyring.decryptSecret(stored, other), 'not_authentic', /altered or copied/);
    }
  });

  it('refuses every tampered part: IV, ciphertext, tag and version label', () => {
    const two = new SecretKeyring([{ version: 'v2', key: key(1) }, { version: 'v1', key: key(1) }]);
    const stored = two.encryptSecret('s3cret', PLACE);
    const [version, iv, ciphertext, tag] = stored.split(':') as [string, string, string, string];
    const flipFirst = (part: string) => Buffer.from(flipBit(Buffer.from(part, 'base64url'), 0)).toString('base64url');
    expectKeyringError(() => two.decryptSecret([version, flipFirst(iv), ciphertext, tag].join(':'), PLACE), 'not_authentic');
    expectKeyringError(() => two.decryptSecret([version, iv, flipFirst(ciphertext), tag].join(':'), PLACE), 'not_authentic');
    expectKeyringError(() => two.decryptSecret([version, iv, ciphertext, flipFirst(tag)].join(':'), PLACE), 'not_authentic');
    // Same key bytes under another label still fails: the version is part of the authenticated data.
    expectKeyringError(() => two.decryptSecret(['v1', iv, ciphertext, tag].join(':'), PLACE), 'not_authentic');
    const truncated = Buffer.from(ciphertext, 'base64url').subarray(0, -1).toString('base64url');
    expectKeyringError(() => two.decryptSecret([version, iv, truncated, tag].join(':'), PLACE), 'not_authentic');
  });

  it('refuses malformed and non-canonical values before any decryption', () => {
    const stored = keyring.encryptSecret('x', PLACE); // one byte of ciphertext: two base64url characters
    const [version, iv, ciphertext, tag] = stored.split(':') as [string, string, string, string];
    assert.equal(ciphertext.length, 2);
    // The same byte with non-zero padding bits: decodes identically, must still be refused.
    const base64url = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const nonCanonical = ciphertext[0]! + base64url[base64url.indexOf(ciphertext[1]!) + 1]!;
    assert.deepEqual(Buffer.from(nonCanonical, 'base64url'), Buffer.from(ciphertext, 'base64url'));
    expectKeyringError(() => keyring.decryptSecret([version, iv, nonCanonical, tag].join(':'), PLACE), 'malformed', /canonical/);
    for (const bad of [
      '',
      'plaintext-password',
      `${version}:${iv}:${ciphertext}`,
      `${version}:${iv}:${ciphertext}:${tag}:extra`,
      `${version}:${iv}:${ciphertext}:${tag.slice(0, 16)}`, // a 12-byte tag
      `${version}:${iv.slice(0, 11)}:${ciphertext}:${tag}`, // an 8-byte IV
      `${version}:${iv}=:${ciphertext}:${tag}`,
      `${version}:${iv}:${ciphertext}=:${tag}`,
      ` ${stored}`,
      `${stored}\n`,
      `V1${stored.slice(2)}`,
    ]) {
      expectKeyringError(() => keyring.decryptSecret(bad, PLACE), 'malformed');
    }
    expectKeyringError(() => keyring.decryptSecret(undefined as unknown as string, PLACE), 'malformed');
  });

  it('names an unknown key version and the versions it has, without throwing anything else', () => {
    const stored = new SecretKeyring([{ version: 'v7', key: key(7) }]).encryptSecret('s3cret', PLACE);
    expectKeyringError(() => keyring.decryptSecret(stored, PLACE), 'unknown_version', /key version v7, which is not in TC_SECRET_KEYS \(v1\)/);
  });

  it('decrypts with the version the value names and asks for rotation when it is not the newest', () => {
    const old = keyring.encryptSecret('s3cret', PLACE);
    const rotated = new SecretKeyring([{ version: 'v2', key: key(2) }, { version: 'v1', key: key(1) }]);
    assert.equal(rotated.currentVersion, 'v2');
    assert.deepEqual(rotated.decryptSecret(old, PLACE), { plaintext: 's3cret', needsRotation: true });
    const fresh = rotated.encryptSecret('s3cret', PLACE);
    assert.ok(fresh.startsWith('v2:'));
    assert.deepEqual(rotated.decryptSecret(fresh, PLACE), { plaintext: 's3cret', needsRotation: false });
    // v1 alone cannot read what v2 sealed, and a keyring whose v1 is a different key cannot read the old value.
    expectKeyringError(() => keyring.decryptSecret(fresh, PLACE), 'unknown_version');
    const impostor = new SecretKeyring([{ version: 'v1', key: key(9) }]);
    expectKeyringError(() => impostor.decryptSecret(old, PLACE), 'not_authentic');
  });

  it('validates its keys and refuses oversized secrets', () => {
    assert.throws(() => new SecretKeyring([]), RangeError);
    assert.throws(() => new SecretKeyring([{ version: 'v1', key: randomBytes(16) }]), RangeError);
    assert.throws(() => new SecretKeyring([{ version: 'v1', key: key(1) }, { version: 'v1', key: key(2) }]), RangeError);
    assert.throws(() => new SecretKeyring([{ version: 'one', key: key(1) }]), RangeError);
    assert.throws(() => keyring.encryptSecret('x'.repeat(16 * 1024 + 1), PLACE), RangeError);
    assert.throws(() => keyring.encryptSecret('x', { ...PLACE, connectionId: '' }), TypeError);
  });

  it('never exposes key material through its own properties or JSON', () => {
    const text = JSON.stringify(keyring) + Object.values(keyring).map(String).join('');
    assert.ok(!text.includes(key(1).toString('base64')));
    assert.ok(!text.includes(key(1).toString('hex')));
  });

  it('property: any text round-trips; under another place or keyring it never decrypts', () => {
    const other = new SecretKeyring([{ version: 'v1', key: key(3) }]);
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.string({ minLength: 1, maxLength: 20 }), (secret, connectionId) => {
        const place = { ...PLACE, connectionId };
        const stored = keyring.encryptSecret(secret, place);
        assert.deepEqual(keyring.decryptSecret(stored, place), { plaintext: secret, needsRotation: false });
        expectKeyringError(() => other.decryptSecret(stored, place), 'not_authentic');
        expectKeyringError(() => keyring.decryptSecret(stored, { ...place, connectionId: `${connectionId}x` }), 'not_authentic');
      }),
    );
  });

  it('property: every single-character change of a stored value is refused', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_:v=+/ ';
    const stored = keyring.encryptSecret('correct horse battery staple', PLACE);
    fc.assert(
      fc.property(fc.nat({ max: stored.length - 1 }), fc.constantFrom(...alphabet), (index, replacement) => {
        fc.pre(stored[index] !== replacement);
        const mutated = stored.slice(0, index) + replacement + stored.slice(index + 1);
        assert.throws(() => keyring.decryptSecret(mutated, PLACE), SecretKeyringError);
      }),
      { numRuns: 500 },
    );
  });
});
