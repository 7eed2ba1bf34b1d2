/**
 * Checks a value against the subset of JSON Schema the OpenAPI document uses (type, required, properties,
 * additionalProperties: false, items, enum, const, oneOf/anyOf, $ref into components.schemas). Returns one line
 * per mismatch, naming where it is, so a test can show exactly how an answer and its documentation differ.
 */
export function schemaMismatches(
  value: unknown,
  schema: Record<string, unknown>,
  components: Record<string, Record<string, unknown>> = {},
  at = '$',
): string[] {
  if (typeof schema.$ref === 'string') {
    const target = components[schema.$ref.replace('#/components/schemas/', '')];
    return target ? schemaMismatches(value, target, components, at) : [`${at}: unresolved ${schema.$ref}`];
  }
  const alternatives = (schema.oneOf ?? schema.anyOf) as Record<string, unknown>[] | undefined;
  if (alternatives) {
    return alternatives.some((alternative) => schemaMismatches(value, alternative, components, at).length === 0)
      ? []
      : [`${at}: matches none of ${alternatives.length} alternatives`];
  }
  if ('const' in schema && value !== schema.const) return [`${at}: expected ${JSON.stringify(schema.const)}, got ${JSON.stringify(value)}`];
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) return [`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`];
  const types = schema.type === undefined ? [] : [schema.type].flat() as string[];
  if (types.length && !types.some((type) => hasType(value, type))) return [`${at}: expected ${types.join(' | ')}, got ${describe(value)}`];

  const problems: string[] = [];
  if (isObject(value)) {
    const properties = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
    for (const name of (schema.required ?? []) as string[]) if (!(name in value)) problems.push(`${at}.${name}: required but missing`);
    for (const [name, child] of Object.entries(value)) {
      if (properties[name]) problems.push(...schemaMismatches(child, properties[name]!, components, `${at}.${name}`));
      else if (schema.additionalProperties === false) problems.push(`${at}.${name}: not documented`);
      else if (isObject(schema.additionalProperties)) problems.push(...schemaMismatches(child, schema.additionalProperties, components, `${at}.${name}`));
    }
  }
  if (Array.isArray(value) && isObject(schema.items)) {
    value.forEach((item, index) => problems.push(...schemaMismatches(item, schema.items as Record<string, unknown>, components, `${at}[${index}]`)));
  }
  return problems;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'null':
      return value === null;
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isObject(value);
    case 'integer':
      return Number.isInteger(value);
    default:
      return typeof value === type;
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
