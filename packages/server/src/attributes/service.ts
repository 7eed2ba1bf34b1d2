import { TcError, notFound } from '../errors.ts';
import type { ChangeBus } from '../events/change-bus.ts';
import type { Store } from '../store/store.ts';

export const ATTRIBUTE_TYPES = ['string', 'number', 'boolean', 'date', 'string[]'] as const;
export type AttributeType = (typeof ATTRIBUTE_TYPES)[number];

/** Identity fields every token has; shown read-only, never registrable as custom attributes. */
export const DEFAULT_IDENTITY_FIELDS = [
  { name: 'distinctId', type: 'string', description: 'Unique id of the embed user, used for auditing.' },
  { name: 'role', type: 'string', description: 'The embed user role (currently "explorer").' },
] as const;

export interface TokenAttribute {
  name: string;
  type: AttributeType;
  description: string;
  createdAt: string;
}

const ATTRIBUTE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const RESERVED_NAMES = new Set(['distinctId', 'role', 'sub', 'org', 'permissions', 'attributes', '__proto__', 'constructor', 'prototype']);

export class AttributeService {
  private readonly definitions = new Map<string, Promise<Map<string, AttributeType>>>();

  constructor(
    private readonly store: Store,
    private readonly bus: ChangeBus,
  ) {
    bus.subscribe((event) => {
      if (event.type === 'attributes_changed') this.definitions.delete(event.orgId);
      if (event.type === 'caches_flushed') this.definitions.clear();
    });
  }

  async list(orgId: string): Promise<TokenAttribute[]> {
    const rows = await this.store.query<{ name: string; type: AttributeType; description: string; created_at: Date }>(
      'select name, type, description, created_at from token_attributes where org_id = $1 order by name',
      [orgId],
    );
    return rows.map((row) => ({
      name: row.name,
      type: row.type,
      description: row.description,
      createdAt: row.created_at.toISOString(),
    }));
  }

  async add(orgId: string, input: { name?: unknown; type?: unknown; description?: unknown }): Promise<TokenAttribute> {
    const { name, type } = input;
    const description = input.description ?? '';
    if (typeof name !== 'string' || !ATTRIBUTE_NAME.test(name)) {
      throw new TcError('invalid_request', 'name must start with a letter or underscore and contain only letters, digits and underscores (at most 64), e.g. "region".', [{ field: 'name', message: 'invalid attribute name' }]);
    }
    if (RESERVED_NAMES.has(name)) {
      throw new TcError('invalid_request', `name "${name}" is reserved: distinctId and role are default identity fields of every token.`, [{ field: 'name', message: 'reserved name' }]);
    }
    if (typeof type !== 'string' || !ATTRIBUTE_TYPES.includes(type as AttributeType)) {
      throw new TcError('invalid_request', `type must be one of ${ATTRIBUTE_TYPES.join(', ')}.`, [{ field: 'type', message: 'unsupported type' }]);
    }
    if (typeof description !== 'string' || description.length > 500) {
      throw new TcError('invalid_request', 'description must be a string of at most 500 characters.', [{ field: 'description', message: 'invalid description' }]);
    }
    const rows = await this.store.query<{ created_at: Date }>(
      `insert into token_attributes (org_id, name, type, description) values ($1, $2, $3, $4)
       on conflict (org_id, name) do nothing returning created_at`,
      [orgId, name, type, description],
    );
    if (rows.length === 0) {
      throw new TcError('conflict', `The token attribute "${name}" already exists; remove it first to change its type.`, [{ field: 'name', message: 'already exists' }]);
    }
    this.bus.publish({ type: 'attributes_changed', orgId });
    return { name, type: type as AttributeType, description, createdAt: rows[0]!.created_at.toISOString() };
  }

  async remove(orgId: string, name: string): Promise<void> {
    const rows = await this.store.query('delete from token_attributes where org_id = $1 and name = $2 returning name', [orgId, name]);
    if (rows.length === 0) throw notFound(`Token attribute "${name}"`);
    this.bus.publish({ type: 'attributes_changed', orgId });
  }

  /** name → type for validating a token request, cached until the attributes change. */
  typesFor(orgId: string): Promise<Map<string, AttributeType>> {
    let types = this.definitions.get(orgId);
    if (!types) {
      types = this.list(orgId).then((list) => new Map(list.map((attribute) => [attribute.name, attribute.type])));
      types.catch(() => this.definitions.delete(orgId));
      this.definitions.set(orgId, types);
    }
    return types;
  }
}
