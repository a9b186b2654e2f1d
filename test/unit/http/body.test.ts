import type { APIGatewayProxyEvent } from 'aws-lambda';
import { jsonBodyOnWrites } from '../../../functions/http/body';
import { toScimError } from '../../../functions/http/error-responses';

const parse = async (body: string, isBase64Encoded = false): Promise<unknown> => {
  const event = { httpMethod: 'POST', headers: {}, body, isBase64Encoded } as unknown as APIGatewayProxyEvent;
  await jsonBodyOnWrites().before?.({ event, context: {}, response: undefined, error: undefined, internal: {} } as never);
  return event.body as unknown;
};

const refusal = async (body: string) => {
  const error = await parse(body).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeDefined();
  return toScimError(error);
};

describe('JSON bodies', () => {
  it('parses a body without escapes or forbidden names as JSON.parse does', async () => {
    const text = JSON.stringify({ schemas: ['urn:x'], userName: 'a@b', n: 1.5, list: [1, { b: null }], nested: { deep: [true] } });
    await expect(parse(text)).resolves.toEqual(JSON.parse(text));
  });

  it('parses bodies with \\u escapes (the careful path) to the same value', async () => {
    const text = '{"displayName":"Ren\\u00e9e","emoji":"\\ud83d\\ude00"}';
    await expect(parse(text)).resolves.toEqual({ displayName: 'Renée', emoji: '😀' });
  });

  it('decodes base64 bodies', async () => {
    await expect(parse(Buffer.from('{"a":"é"}').toString('base64'), true)).resolves.toEqual({ a: 'é' });
  });

  it.each([
    ['a literal __proto__ key', '{"userName":"x","__proto__":{"admin":true}}'],
    ['an escaped __proto__ key', '{"userName":"x","\\u005f_proto__":{"admin":true}}'],
    ['a fully escaped __proto__ key', '{"\\u005f\\u005f\\u0070roto\\u005f\\u005f":1}'],
    ['a nested constructor.prototype', '{"name":{"constructor":{"prototype":{"x":1}}}}'],
    ['an escaped constructor.prototype', '{"name":{"\\u0063onstructor":{"prototype":{"x":1}}}}'],
  ])('refuses %s with 400 invalidSyntax', async (_, text) => {
    const error = await refusal(text);
    expect(error.status).toBe(400);
    expect(error.scimType).toBe('invalidSyntax');
  });

  it('accepts the word constructor as a value, and a constructor key without prototype', async () => {
    await expect(parse('{"title":"constructor","x":{"constructor":"y"}}')).resolves.toEqual({
      title: 'constructor',
      x: { constructor: 'y' },
    });
  });

  it('answers malformed JSON with 400 invalidSyntax, as before', async () => {
    const error = await refusal('{"userName": ');
    expect(error.status).toBe(400);
    expect(error.scimType).toBe('invalidSyntax');
    expect(error.message).toMatch(/not valid JSON/);
  });
});
