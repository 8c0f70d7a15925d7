/**
 * What changes under NODE_ENV=production: clients get no "Did you mean ...?" hints (they spell
 * out field, argument and enum names near a typo). Introspection is a separate switch: the
 * schema is the public contract and stays readable unless INTROSPECTION=false.
 */
import type { GraphQLFormattedError } from 'graphql';

export interface ProductionSwitches {
  /** No field suggestions in error messages (NODE_ENV=production). */
  hideSuggestions: boolean;
  /** Introspection queries answered (INTROSPECTION, true unless "false"). */
  introspection: boolean;
}

export function productionSwitchesFromEnv(): ProductionSwitches {
  return {
    hideSuggestions: process.env.NODE_ENV === 'production',
    introspection: process.env.INTROSPECTION?.trim().toLowerCase() !== 'false',
  };
}

/**
 * Apollo's hideSchemaDetailsFromClientErrors strips suggestions from validation errors only;
 * graphql-js also suggests in variable coercion errors (enum values, input fields), so every
 * message on its way out is cleaned.
 */
export function withoutSuggestions(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const message = formatted.message.replace(/ ?Did you mean [^?]*\?/g, '');
  return message === formatted.message ? formatted : { ...formatted, message };
}
