/** Secrets Manager for onboarding tests: secret values by id, in memory. */
import type { TokenSecretStore } from '../../functions/tenants/onboard';

export class MemorySecrets implements TokenSecretStore {
  readonly values: Map<string, string>;

  /** `initial`: the placeholders CloudFormation writes before onboarding runs. */
  constructor(initial: Record<string, string>) {
    this.values = new Map(Object.entries(initial));
  }

  async read(id: string) {
    return this.values.get(id);
  }

  async write(id: string, value: string) {
    this.values.set(id, value);
  }
}
