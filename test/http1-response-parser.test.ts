import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Http1ParseError, parseHttp1Responses, type Http1ParseOptions } from './helpers/http1-response-parser.ts';

const bytes = (text: string) => Buffer.from(text, 'latin1');
const afterGet: Http1ParseOptions = { requestMethods: ['GET'], connectionClosed: false };

describe('HTTP/1.1 response parser (the raw-socket fuzz reads the server with it)', () => {
  it('skips interim 1xx responses and reads the final one with its body', () => {
    const { responses, incomplete } = parseHttp1Responses(
      bytes('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello'),
      afterGet,
    );
    assert.equal(incomplete, undefined);
    assert.equal(responses.length, 1);
    assert.equal(responses[0]!.status, 200);
    assert.equal(responses[0]!.body.toString(), 'hello');
    assert.deepEqual(responses[0]!.interim.map(({ status }) => status), [100, 103]);
    assert.equal(responses[0]!.interim[1]!.headers.link, '</a.css>; rel=preload');
  });

  it('reads no body after an answer to HEAD, a 204 or a 304, whatever their Content-Length says', () => {
    const data = bytes(
      'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 42\r\n\r\n' +
        'HTTP/1.1 204 No Content\r\nContent-Length: 7\r\n\r\n' +
        'HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n' +
        'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok',
    );
    const { responses } = parseHttp1Responses(data, { requestMethods: ['HEAD', 'GET', 'GET', 'GET'], connectionClosed: false });
    assert.deepEqual(responses.map(({ status, body }) => [status, body.toString()]), [[200, ''], [204, ''], [304, ''], [200, 'ok']]);
    assert.equal(responses[0]!.headers['content-length'], '42');
  });

  it('decodes a chunked body with extensions and trailers, and waits while it is cut short', () => {
    const whole = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;name=value\r\nhello\r\n7\r\n, world\r\n0\r\nx-checksum: 1f\r\n\r\n';
    const { responses } = parseHttp1Responses(bytes(whole + 'HTTP/1.1 204 No Content\r\n\r\n'), { requestMethods: ['GET', 'DELETE'], connectionClosed: false });
    assert.equal(responses[0]!.body.toString(), 'hello, world');
    assert.deepEqual(responses[0]!.trailers, { 'x-checksum': '1f' });
    assert.equal(responses[1]!.status, 204);

    const cut = parseHttp1Responses(bytes(whole.slice(0, -10)), { requestMethods: ['GET'], connectionClosed: true });
    assert.deepEqual(cut.responses, []);
    assert.equal(cut.incomplete?.head?.status, 200);
  });

  it('reads a body with neither length nor chunking until the server closes', () => {
    const data = bytes('HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\n\r\nno host header');
    assert.equal(parseHttp1Responses(data, { requestMethods: ['GET'], connectionClosed: true }).responses[0]!.body.toString(), 'no host header');
    const open = parseHttp1Responses(data, afterGet);
    assert.deepEqual(open.responses, []);
    assert.equal(open.incomplete?.head?.status, 400);
    // Node's own refusal of a request without Host: no length, no body, then the close.
    const bare = parseHttp1Responses(bytes('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n'), { requestMethods: ['GET'], connectionClosed: true });
    assert.deepEqual(bare.responses.map(({ status, body }) => [status, body.length]), [[400, 0]]);
  });

  it('stops at Connection: close and hands back what followed unread', () => {
    // A server that refuses an unparseable HEAD request cannot know it was a HEAD, so it sends a body; the close ends it.
    const data = bytes('HTTP/1.1 400 Bad Request\r\nContent-Length: 11\r\nConnection: close\r\n\r\n{"error":1}');
    const { responses, ignored } = parseHttp1Responses(data, { requestMethods: ['HEAD'], connectionClosed: true });
    assert.equal(responses[0]!.status, 400);
    assert.equal(ignored.toString(), '{"error":1}');
  });

  it('treats a connection that ends mid-head as incomplete, not as an error', () => {
    for (const cut of ['HTT', 'HTTP/1.1 200 O', 'HTTP/1.1 200 OK\r\nContent-Le', 'HTTP/1.1 200 OK\r\n\r']) {
      const { responses, incomplete } = parseHttp1Responses(bytes(cut), { requestMethods: ['GET'], connectionClosed: true });
      assert.deepEqual(responses, [], cut);
      assert.equal(incomplete?.bytes.toString(), cut);
    }
  });

  it('refuses what is not an HTTP/1.1 response, showing the raw bytes escaped and cut short', () => {
    const garbage = [
      '<html>\u0000 hello',
      'HTTP/2 200\r\n\r\n',
      'HTTP/1.1 200 OK\nContent-Length: 0\n\n',
      'HTTP/1.1 200 OK\r\nbad header\r\n\r\n',
      'HTTP/1.1 200 OK\r\nx-a: b\u0001c\r\n\r\n',
      'HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\nhello',
      'HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhello\r\n0\r\n\r\n',
      // A body longer than its Content-Length: the extra bytes are not a response.
      'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhello',
    ];
    for (const text of garbage) {
      assert.throws(() => parseHttp1Responses(bytes(text), { requestMethods: ['GET'], connectionClosed: true }), Http1ParseError, JSON.stringify(text));
    }
    const long = bytes('\u00ff\r\n' + 'x'.repeat(5000));
    assert.throws(
      () => parseHttp1Responses(long, afterGet),
      (error: Error) => error instanceof Http1ParseError && error.message.includes('"\\xff\\r\\nxxx') && error.message.includes('(4603 more bytes)'),
    );
  });
});
