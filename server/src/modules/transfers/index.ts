/** Imports and exports staff run from the admin, as background jobs. Other modules import only from here. */
export { notAnObject, type ParsedTransferFile, type TransferRecord } from "./transfers.files.ts";
export { adminTransferRoutes } from "./transfers.routes.ts";
export {
  dataTransferJob,
  runDataTransfer,
  type TransferImporter,
  type TransferImporters,
  type TransferImportInput,
  type TransferImportResult,
  type TransferProgress,
  type TransferRowFailure,
} from "./transfers.service.ts";
