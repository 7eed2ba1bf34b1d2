/**
 * Client-side HTTP/1.1 response parsing (RFC 9112) for tests that talk to the server over raw sockets: splits the
 * bytes a server wrote on one connection into responses, framing each body the way a user agent must (§6.3).
 * Strict where a real server never deviates (CRLF line ends, valid field names and values), so that anything it
 * cannot parse is a server fault, reported with the raw bytes.
 */

/** A status line and its header section: a 1xx interim response, or the head of a final one. */
export interface Http1Head {
  status: number;
  reason: string;
  /** HTTP/1.0 or HTTP/1.1. */
  version: string;
  /** Field names lower-cased; a field sent on several lines is combined with ", " (RFC 9110 §5.3). */
  headers: Record<string, string>;
}

/** A whole final response. */
export interface Http1Response extends Http1Head {
  /** The 1xx responses (e.g. 100 Continue) sent before it, in order. */
  interim: Http1Head[];
  /** The content, chunked coding removed. */
  body: Buffer;
  /** Trailer fields after a chunked body, named like `headers`. */
  trailers: Record<string, string>;
}

export interface Http1ParseOptions {
  /**
   * The methods of the requests sent on the connection, in order. An answer to HEAD has no body, and a 2xx to
   * CONNECT opens a tunnel; responses past the end of the list are taken to answer some other method.
   */
  requestMethods: readonly string[];
  /** The server closed the connection, so a body delimited by the close is whole (else it may still be arriving). */
  connectionClosed: boolean;
}

export interface Http1ParseResult {
  responses: Http1Response[];
  /**
   * A response that had not fully arrived when the bytes ended (the connection closed in its middle, or is still
   * open), with its head if that much came.
   */
  incomplete?: { bytes: Buffer; head?: Http1Head };
  /**
   * Bytes after a response that ended HTTP on this connection (`Connection: close`, 101, a 2xx to CONNECT): a
   * client stops reading responses there (RFC 9112 §9.6), so they are handed back unread.
   */
  ignored: Buffer;
}

export class Http1ParseError extends Error {
  constructor(
    readonly problem: string,
    /** Offset in the parsed bytes where the faulty response starts. */
    readonly offset: number,
    data: Buffer,
  ) {
    super(`unparseable HTTP/1.1 response at byte ${offset} of ${data.length}: ${problem}; bytes from there: ${describeBytes(data.subarray(offset))}`);
    this.name = 'Http1ParseError';
  }
}

/** Printable ASCII as is, everything else escaped (`\r`, `\n`, `\t`, `\xNN`), cut after `limit` bytes. */
export function describeBytes(bytes: Buffer, limit = 400): string {
  let text = '';
  for (const byte of bytes.subarray(0, limit)) {
    if (byte === 0x0d) text += '\\r';
    else if (byte === 0x0a) text += '\\n';
    else if (byte === 0x09) text += '\\t';
    else if (byte === 0x5c) text += '\\\\';
    else if (byte === 0x22) text += '\\"';
    else if (byte >= 0x20 && byte < 0x7f) text += String.fromCharCode(byte);
    else text += `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  return `"${text}"${bytes.length > limit ? ` … (${bytes.length - limit} more bytes)` : ''}`;
}

const describeLine = (line: string) => describeBytes(Buffer.from(line, 'latin1'), 80);

const CRLF = '\r\n';
const STATUS_LINE = /^HTTP\/(1\.[01]) ([1-5]\d\d)(?: ([\t\x20-\x7e\x80-\xff]*))?$/;
const FIELD_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** VCHAR, obs-text, SP and HTAB: no control characters, no CR or LF (RFC 9110 §5.5). */
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const CHUNK_SIZE_LINE = /^([0-9A-Fa-f]+)[\t ]*(?:;[\t\x20-\x7e\x80-\xff]*)?$/;
/** More hex digits than this overflow a safe integer; no server sends such a chunk. */
const MAX_CHUNK_SIZE_DIGITS = 13;

/** Not enough bytes yet for the part being read. */
const MORE = Symbol('more bytes needed');

type Framing =
  | { kind: 'none' }
  | { kind: 'length'; length: number }
  | { kind: 'chunked' }
  | { kind: 'until-close' }
  /** The connection leaves HTTP after this head (101 Switching Protocols, a 2xx to CONNECT). */
  | { kind: 'tunnel' };

/** Splits `data`, everything a server wrote on one connection so far, into responses. Throws Http1ParseError. */
export function parseHttp1Responses(data: Buffer, options: Http1ParseOptions): Http1ParseResult {
  const responses: Http1Response[] = [];
  let offset = 0;
  while (offset < data.length) {
    const responseStart = offset;
    const fail = (problem: string): never => {
      throw new Http1ParseError(problem, responseStart, data);
    };
    // Methods are case-sensitive (RFC 9110 §9.1): `head` is not HEAD.
    const method = options.requestMethods[responses.length];
    const interim: Http1Head[] = [];
    let head: Http1Head | undefined;
    // Any number of 1xx responses come before the final one (RFC 9110 §15.2); 101 ends HTTP instead.
    for (;;) {
      const read = readHead(data, offset, fail);
      if (read === MORE) return { responses, incomplete: { bytes: data.subarray(responseStart) }, ignored: Buffer.alloc(0) };
      offset = read.end;
      if (read.head.status >= 200 || read.head.status === 101) {
        head = read.head;
        break;
      }
      interim.push(read.head);
    }
    const framing = framingOf(head, method, fail);
    const body = readBody(data, offset, framing, options.connectionClosed, fail);
    if (body === MORE) return { responses, incomplete: { bytes: data.subarray(responseStart), head }, ignored: Buffer.alloc(0) };
    responses.push({ ...head, interim, body: body.content, trailers: body.trailers });
    offset = body.end;
    if (framing.kind === 'tunnel' || closesConnection(head)) return { responses, ignored: data.subarray(offset) };
  }
  return { responses, ignored: Buffer.alloc(0) };
}

/**
 * Reads a status line and header section starting at `start`. When the section has not fully arrived, what did
 * arrive is still checked, so garbage is an error at once rather than a wait for more.
 */
function readHead(data: Buffer, start: number, fail: (problem: string) => never): { head: Http1Head; end: number } | typeof MORE {
  const sectionEnd = data.indexOf(CRLF + CRLF, start, 'latin1');
  const text = data.subarray(start, sectionEnd < 0 ? data.length : sectionEnd).toString('latin1');
  const lines = text.split(CRLF);
  const partialLine = sectionEnd < 0 ? lines.pop()! : undefined;
  for (const line of lines) if (/[\r\n]/.test(line)) fail(`a bare CR or LF in the header section line ${describeLine(line)}`);
  if (partialLine !== undefined && /\n|\r(?!$)/.test(partialLine)) fail('a bare CR or LF in the header section');

  const [statusLine, ...fieldLines] = lines;
  if (statusLine === undefined) {
    // Only part of the status line came: it must at least start like one.
    const prefix = partialLine!.slice(0, 'HTTP/1.'.length);
    if (!'HTTP/1.'.startsWith(prefix)) fail('not an HTTP/1.x status line');
    return MORE;
  }
  const status = STATUS_LINE.exec(statusLine) ?? fail(`not an HTTP/1.x status line: ${describeLine(statusLine)}`);
  const headers = parseFieldLines(fieldLines, fail);
  if (sectionEnd < 0) return MORE;
  return { head: { version: `HTTP/${status[1]}`, status: Number(status[2]), reason: status[3] ?? '', headers }, end: sectionEnd + 4 };
}

/** Field lines into lower-cased names; an obs-fold continuation is unfolded to a space (RFC 9112 §5.2). */
function parseFieldLines(lines: readonly string[], fail: (problem: string) => never): Record<string, string> {
  const values = new Map<string, string[]>();
  let previous: string[] | undefined;
  for (const line of lines) {
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (!previous) fail(`whitespace before the first header field: ${describeLine(line)}`);
      previous[previous.length - 1] += ' ' + line.trim();
      continue;
    }
    const colon = line.indexOf(':');
    const name = line.slice(0, colon);
    const value = line.slice(colon + 1).replace(/^[\t ]+|[\t ]+$/g, '');
    if (colon < 0 || !FIELD_NAME.test(name)) fail(`not a header field line: ${describeLine(line)}`);
    if (!FIELD_VALUE.test(value)) fail(`a control character in the value of ${name}`);
    const key = name.toLowerCase();
    previous = values.get(key) ?? [];
    previous.push(value);
    values.set(key, previous);
  }
  return Object.fromEntries([...values].map(([name, list]) => [name, list.join(', ')]));
}

/** How the body is delimited, in RFC 9112 §6.3's order. */
function framingOf(head: Http1Head, method: string | undefined, fail: (problem: string) => never): Framing {
  if (head.status === 101 || (method === 'CONNECT' && head.status < 300)) return { kind: 'tunnel' };
  if (method === 'HEAD' || head.status === 204 || head.status === 304) return { kind: 'none' };
  const transferEncoding = head.headers['transfer-encoding'];
  const contentLength = head.headers['content-length'];
  if (transferEncoding !== undefined) {
    // Both at once is how responses get split or smuggled; a server must not send it (§6.1).
    if (contentLength !== undefined) fail('both Transfer-Encoding and Content-Length');
    const codings = transferEncoding.split(',').map((coding) => coding.trim().toLowerCase());
    return codings.at(-1) === 'chunked' ? { kind: 'chunked' } : { kind: 'until-close' };
  }
  if (contentLength !== undefined) {
    // A repeated field is accepted only when every value is the same (§6.3, item 5).
    const lengths = new Set(contentLength.split(',').map((value) => value.trim()));
    const [length] = lengths;
    if (lengths.size !== 1 || !/^\d{1,15}$/.test(length!)) fail(`an invalid Content-Length: ${describeLine(contentLength)}`);
    return { kind: 'length', length: Number(length) };
  }
  return { kind: 'until-close' };
}

function closesConnection(head: Http1Head): boolean {
  const options = (head.headers.connection ?? '').split(',').map((option) => option.trim().toLowerCase());
  // HTTP/1.0 closes after each response unless it says keep-alive.
  return options.includes('close') || (head.version === 'HTTP/1.0' && !options.includes('keep-alive'));
}

interface Body {
  content: Buffer;
  trailers: Record<string, string>;
  end: number;
}

function readBody(data: Buffer, start: number, framing: Framing, connectionClosed: boolean, fail: (problem: string) => never): Body | typeof MORE {
  const noTrailers = {};
  switch (framing.kind) {
    case 'none':
    case 'tunnel':
      return { content: Buffer.alloc(0), trailers: noTrailers, end: start };
    case 'length':
      if (data.length - start < framing.length) return MORE;
      return { content: data.subarray(start, start + framing.length), trailers: noTrailers, end: start + framing.length };
    case 'until-close':
      if (!connectionClosed) return MORE;
      return { content: data.subarray(start), trailers: noTrailers, end: data.length };
    case 'chunked':
      return readChunkedBody(data, start, fail);
  }
}

/** chunked-body = *chunk last-chunk trailer-section CRLF (RFC 9112 §7.1). */
function readChunkedBody(data: Buffer, start: number, fail: (problem: string) => never): Body | typeof MORE {
  const chunks: Buffer[] = [];
  let offset = start;
  for (;;) {
    const lineEnd = data.indexOf(CRLF, offset, 'latin1');
    if (lineEnd < 0) {
      if (data.length - offset > 1024) fail('a chunk-size line that never ends');
      return MORE;
    }
    const line = data.subarray(offset, lineEnd).toString('latin1');
    const size = CHUNK_SIZE_LINE.exec(line)?.[1] ?? fail(`not a chunk-size line: ${describeLine(line)}`);
    if (size.replace(/^0+/, '').length > MAX_CHUNK_SIZE_DIGITS) fail(`a chunk size too large to be real: ${size}`);
    const length = parseInt(size, 16);
    offset = lineEnd + 2;
    if (length === 0) break;
    if (data.length < offset + length + 2) return MORE;
    if (data.toString('latin1', offset + length, offset + length + 2) !== CRLF) fail(`chunk data longer than its size ${size}`);
    chunks.push(data.subarray(offset, offset + length));
    offset += length + 2;
  }
  // The trailer section: field lines, then an empty line.
  const trailerLines: string[] = [];
  for (;;) {
    const lineEnd = data.indexOf(CRLF, offset, 'latin1');
    if (lineEnd < 0) return MORE;
    const line = data.subarray(offset, lineEnd).toString('latin1');
    offset = lineEnd + 2;
    if (line === '') break;
    if (/[\r\n]/.test(line)) fail('a bare CR or LF in the trailer section');
    trailerLines.push(line);
  }
  return { content: Buffer.concat(chunks), trailers: parseFieldLines(trailerLines, fail), end: offset };
}
