/** The core functions the micro-benchmark measures, bundled by esbuild as Lambda runs them. */
export { evaluateFilter } from '../../functions/scim/filter/evaluate';
export { parseFilter } from '../../functions/scim/filter/parse';
export { applyPatch } from '../../functions/scim/patch/apply';
export { parsePatchBody } from '../../functions/scim/patch/operations';
export { defaultProfile } from '../../functions/scim/profile';
