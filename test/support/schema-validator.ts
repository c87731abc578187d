/**
 * The tests' schema validation is the writer's own (src/output/manifest-schema.ts), so that what the
 * tests accept is exactly what synth accepts.
 */
export { expectValid, schemaKnown, validateObject } from '../../src/output/manifest-schema';
