import { type LoadedModel, loadOrTrainModel } from "./model.cache.js";
import type { Nlu } from "./nlu.js";

export { CARRIER_NAMES, CATEGORY_LABELS, findCarrierMention } from "./display.labels.js";
export { extractEntities } from "./entity.extractor.js";
export { MODEL_FORMAT_VERSION } from "./model.cache.js";
export * from "./nlu.js";
export { hasSimplifiedOnly, normaliseText, toSimplifiedScript } from "./text.normaliser.js";
export { detectCarriers, normaliseWaybill, WAYBILL_FORMATS } from "./waybill.patterns.js";

let instance: Nlu | undefined;
let loadInfo: Omit<LoadedModel, "nlu"> | undefined;

/**
 * The engine, memoised. Synchronous: loads the weights from `intents/.model-cache/model.bin`
 * when its key (corpus + code hash) matches, otherwise trains from intents/corpus (~0.5 s) and
 * rewrites the cache (best effort). `npm run nlu -- build` pre-builds the cache.
 */
export function createNlu(): Nlu {
  if (!instance) {
    // Installs the cached normaliser table, or builds it (OpenCC) before training.
    const { nlu, ...info } = loadOrTrainModel();
    instance = nlu;
    loadInfo = info;
  }
  return instance;
}

/** How the memoised engine was obtained (undefined before the first `createNlu()`). */
export function nluLoadInfo(): Omit<LoadedModel, "nlu"> | undefined {
  return loadInfo;
}
