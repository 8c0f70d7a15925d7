/** A month: a person who comes back within it stays signed in (each refresh starts a new month). */
export const DEFAULT_REFRESH_TOKEN_TTL_SECONDS = 30 * 24 * 3600;
