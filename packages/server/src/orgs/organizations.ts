import { randomBytes } from 'node:crypto';
import { TcError, notFound } from '../errors.ts';
import type { Store } from '../store/store.ts';

export interface Organization {
  id: string;
  name: string;
}

const ORG_ID = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export class Organizations {
  private readonly byId = new Map<string, Organization>();

  constructor(private readonly store: Store) {}

  async create(name: string, id = `org_${randomBytes(6).toString('hex')}`): Promise<Organization> {
    if (!ORG_ID.test(id)) throw new TcError('invalid_request', 'An organization id is lowercase letters, digits, "-" or "_".');
    await this.store.query('insert into organizations (id, name) values ($1, $2)', [id, name]);
    return { id, name };
  }

  cached(id: string): Organization | undefined {
    return this.byId.get(id);
  }

  async get(id: string): Promise<Organization> {
    const cached = this.byId.get(id);
    if (cached) return cached;
    const rows = await this.store.query<Organization>('select id, name from organizations where id = $1', [id]);
    if (!rows[0]) throw notFound(`Organization "${id}"`);
    this.byId.set(id, rows[0]);
    return rows[0];
  }

  async list(): Promise<Organization[]> {
    return this.store.query<Organization>('select id, name from organizations order by created_at, id');
  }

  /** The organization a CLI command acts on: the one named, or the only one there is. */
  async resolve(id: string | undefined): Promise<Organization> {
    if (id) return this.get(id);
    const all = await this.list();
    if (all.length === 1) return all[0]!;
    if (all.length === 0) throw new TcError('not_found', 'There is no organization yet; start the server once to seed one.');
    throw new TcError('invalid_request', `There are ${all.length} organizations; name one with --org (${all.map((o) => o.id).join(', ')}).`);
  }
}
