// Claims path pointers, OpenID for Verifiable Presentations 1.0 §7 (JSON-based credentials, §7.1).

/** One component of a claims path pointer: an object key, an array index, or null for "every element". */
export type ClaimsPathComponent = string | number | null;

/** A claims path pointer (OpenID4VP 1.0 §7): a non-empty array of components. */
export type ClaimsPathPointer = readonly ClaimsPathComponent[];

/** True if `value` is a well-formed claims path pointer (§7: strings, nulls, non-negative integers). */
export function isClaimsPathPointer(value: unknown): value is ClaimsPathPointer {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every(
      (c) => c === null || typeof c === 'string' || (Number.isSafeInteger(c) && (c as number) >= 0),
    )
  );
}

/**
 * Applies a claims path pointer to a JSON credential (§7.1.1) and returns the selected elements,
 * or undefined where the spec says "abort processing and return an error" (a component that does
 * not fit the selected value's shape, or an empty selection at the end).
 */
export function selectClaims(claims: unknown, pointer: ClaimsPathPointer): unknown[] | undefined {
  // Step 1: the root element is the credential's top-level object.
  let selection: unknown[] = [claims];
  for (const component of pointer) {
    const next: unknown[] = [];
    if (typeof component === 'string') {
      // Step 2.1: every selected element must be an object; missing keys drop out of the selection.
      for (const element of selection) {
        if (!isJsonObject(element)) return undefined;
        if (Object.hasOwn(element, component)) next.push(element[component]);
      }
    } else if (component === null) {
      // Step 2.2: every selected element must be an array; all of its elements are selected.
      for (const element of selection) {
        if (!Array.isArray(element)) return undefined;
        next.push(...(element as unknown[]));
      }
    } else if (Number.isSafeInteger(component) && component >= 0) {
      // Step 2.3: every selected element must be an array; arrays too short drop out.
      for (const element of selection) {
        if (!Array.isArray(element)) return undefined;
        if (component < element.length) next.push(element[component]);
      }
    } else {
      // Step 2.4: anything else is an error.
      return undefined;
    }
    selection = next;
  }
  // Step 3: an empty selection is an error, i.e. the claim is not there.
  return selection.length > 0 ? selection : undefined;
}

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
