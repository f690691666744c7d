/**
 * Storage's inserts and the Vault secrets, for tests (the stand-in lives in local/storage/).
 *
 * @module
 */
export {
  removeLikeStorage,
  setFunctionSecrets,
  type Upload,
  uploadLikeStorage,
} from "../../local/storage/objects.ts";
