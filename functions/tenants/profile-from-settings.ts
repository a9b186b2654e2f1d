/**
 * A tenant's SCIM profile from its stored settings: the schema registry (core, enterprise and the
 * tenant's extensions, its required paths, externalId's uniqueness), its dialect and its rule for
 * unknown attributes. Built once per settings version by the caller's cache (http/profile-cache.ts),
 * never per request.
 */
import { dialectNamed } from '../scim/dialect/dialect';
import { defaultProfile, type ScimProfile } from '../scim/scim-profile';
import { registryOf, tenantSettingsSchema } from './settings-schema';

export interface ProfileBuild {
  readonly profile: ScimProfile;
  /** Set when the stored settings did not validate (the profile is then RFC 7643's default). */
  readonly problem?: string;
}

export function profileOf(settings: unknown, reportIgnored?: (names: readonly string[]) => void): ProfileBuild {
  const parsed = tenantSettingsSchema.safeParse(settings ?? {});
  if (!parsed.success) {
    // Settings are validated at synth, at start and by onboarding; an item that still fails (written
    // by another version) gets RFC 7643's schemas: requests are judged strictly, nothing is stored wrong.
    return { profile: defaultProfile, problem: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
  }
  const s = parsed.data;
  return {
    profile: {
      dialect: dialectNamed(s.dialect),
      schemas: registryOf(s),
      unknownAttributes: s.unknownAttributes,
      ...(reportIgnored ? { reportIgnored } : {}),
    },
  };
}
