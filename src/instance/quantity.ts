// Kubernetes resource quantities ("500m", "0.5", "2", "512Mi", "10Gi"): syntax check and comparison.
// Grammar follows k8s.io/apimachinery/pkg/api/resource (decimal SI, binary SI and exponent forms).

const QUANTITY = /^(?<num>[+-]?(?:\d+(?:\.\d*)?|\.\d+))(?<suffix>[eE][+-]?\d+|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;

const SCALE: Record<string, number> = {
  '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

export function isQuantity(text: string): boolean {
  return QUANTITY.test(text);
}

/** The quantity's value in base units (cores, bytes), or undefined when it is not a quantity. */
export function parseQuantity(text: string): number | undefined {
  const match = QUANTITY.exec(text);
  if (!match?.groups) return undefined;
  const num = Number(match.groups.num);
  const suffix = match.groups.suffix ?? '';
  if (/^[eE]/.test(suffix)) return num * 10 ** Number(suffix.slice(1));
  return num * (SCALE[suffix] ?? 1);
}

/** Memory quantity in whole mebibytes, rounded down (used to size the JVM heap). */
export function toMebibytes(text: string): number | undefined {
  const bytes = parseQuantity(text);
  return bytes === undefined ? undefined : Math.floor(bytes / 2 ** 20);
}
