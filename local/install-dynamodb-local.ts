/** Script entry: installs DynamoDB Local into .dynamodb-local/ (a no-op when it is there already). */
import { EMULATOR_DIR, ensureEmulator, isEmulatorInstalled } from './emulator';

try {
  const already = isEmulatorInstalled();
  await ensureEmulator((line) => console.log(line));
  console.log(already ? `DynamoDB Local is already installed in ${EMULATOR_DIR}` : `DynamoDB Local installed in ${EMULATOR_DIR}`);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
