import { createServer, type Server, type Socket } from 'node:net';

/**
 * A loopback TCP server speaking just enough of the PostgreSQL wire protocol to make a client fail in one
 * particular way, for failures the real test server (trust auth, no TLS requirement) cannot produce:
 * - `silent`: accepts and never answers (a connect timeout);
 * - `password-refused`: asks for a cleartext password, records it, answers SQLSTATE 28P01;
 * - `no-tls`: answers an SSLRequest with "N" (the server offers no TLS).
 */
export type FakePostgresMode = 'silent' | 'password-refused' | 'no-tls';

export interface FakePostgres {
  port: number;
  /** Passwords clients sent (password-refused mode). */
  passwordsReceived: string[];
  close(): Promise<void>;
}

const SSL_REQUEST_CODE = 80877103;

function errorResponse(sqlState: string, message: string): Buffer {
  const fields = Buffer.concat([
    Buffer.from(`SFATAL\0VFATAL\0C${sqlState}\0M${message}\0`, 'utf8'),
    Buffer.from([0]),
  ]);
  const header = Buffer.alloc(5);
  header.write('E', 0);
  header.writeInt32BE(fields.length + 4, 1);
  return Buffer.concat([header, fields]);
}

function cleartextPasswordRequest(): Buffer {
  const message = Buffer.alloc(9);
  message.write('R', 0);
  message.writeInt32BE(8, 1);
  message.writeInt32BE(3, 5); // AuthenticationCleartextPassword
  return message;
}

function handle(socket: Socket, mode: FakePostgresMode, passwords: string[]): void {
  socket.on('error', () => {});
  if (mode === 'silent') return;
  let buffered = Buffer.alloc(0);
  let startupDone = false;
  socket.on('data', (chunk) => {
    buffered = Buffer.concat([buffered, chunk]);
    while (true) {
      if (!startupDone) {
        // Startup-phase messages have no type byte: Int32 length, then an Int32 code.
        if (buffered.length < 8) return;
        const length = buffered.readInt32BE(0);
        if (buffered.length < length) return;
        const code = buffered.readInt32BE(4);
        buffered = buffered.subarray(length);
        if (code === SSL_REQUEST_CODE) {
          // "N": no TLS here. A client that insists gives up; one that does not sends its startup next.
          socket.write('N');
          continue;
        }
        startupDone = true;
        socket.write(cleartextPasswordRequest());
        continue;
      }
      if (buffered.length < 5) return;
      const type = String.fromCharCode(buffered[0]!);
      const length = buffered.readInt32BE(1);
      if (buffered.length < length + 1) return;
      const body = buffered.subarray(5, length + 1);
      buffered = buffered.subarray(length + 1);
      if (type === 'p') {
        passwords.push(body.toString('utf8').replace(/\0$/, ''));
        socket.end(errorResponse('28P01', 'password authentication failed for user "reader"'));
        return;
      }
    }
  });
}

export async function startFakePostgres(mode: FakePostgresMode): Promise<FakePostgres> {
  const passwordsReceived: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    handle(socket, mode, passwordsReceived);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('fake postgres did not get a port');
  return {
    port: address.port,
    passwordsReceived,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
