/**
 * Renders an External Secrets v2 template the way the operator does for the subset we emit:
 * `{{ index . "<key>" }}` and `{{ index . "<key>" | b64enc }}`. Anything else fails the test, so the
 * template cannot silently use a construct this renderer (and our assertions) do not understand.
 */
export function renderEsoTemplate(template: string, data: Record<string, string>): string {
  const out = template.replace(/\{\{\s*index \. "([^"]+)"(\s*\|\s*b64enc)?\s*\}\}/g, (_m, key: string, b64?: string) => {
    if (!(key in data)) throw new Error(`template references unknown key ${key}`);
    return b64 ? Buffer.from(data[key]).toString('base64') : data[key];
  });
  if (out.includes('{{')) throw new Error(`unrendered template expression in:\n${out}`);
  return out;
}
