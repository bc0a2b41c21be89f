// 规格 picker on the product page: one row of values per spec attribute (颜色, 尺码 …); choosing a
// value of every attribute picks the SKU with those values. A value is disabled when no SKU in stock
// has it together with the values chosen in the other rows. With one attribute each value is a SKU
// (data-testid sku-option); a product without attributes lists its SKUs by name.
import { useEffect, useState } from 'react';
import type { Product } from '../../shared/types';

type Sku = Product['skus'][number];

const inStock = (s: Sku) => s.stock > 0;

/** The SKU whose values are exactly these, if every attribute has one. */
export function skuOfValues(skus: Sku[], values: Array<string | null>): Sku | null {
  if (values.some((v) => v === null)) return null;
  return skus.find((s) => s.specValues.every((v, i) => v === values[i])) ?? null;
}

/** Whether choosing value for attribute i (keeping the other choices) can still reach a SKU in stock. */
export function valueAvailable(skus: Sku[], chosen: Array<string | null>, i: number, value: string): boolean {
  return skus.some((s) => inStock(s) && s.specValues[i] === value && chosen.every((c, j) => j === i || c === null || s.specValues[j] === c));
}

export function SpecPicker({ product, skuId, onPick }: { product: Product; skuId: number | null; onPick: (sku: Sku | null) => void }) {
  const attributes = product.specs;
  const current = product.skus.find((s) => s.id === skuId) ?? null;
  const [chosen, setChosen] = useState<Array<string | null>>(() => attributes.map((_a, i) => current?.specValues[i] ?? null));
  // the page preselects a SKU once the product loads: follow it
  useEffect(() => {
    if (current) setChosen(attributes.map((_a, i) => current.specValues[i] ?? null));
  }, [current?.id]);

  if (attributes.length <= 1) {
    return (
      <div className="sku-options" data-testid="sku-options">
        {product.skus.map((s) => (
          <button
            key={s.id}
            type="button"
            className={`sku-option ${s.id === skuId ? 'active' : ''}`}
            data-testid="sku-option"
            data-sku-id={s.id}
            data-selected={s.id === skuId ? 'true' : 'false'}
            disabled={!inStock(s)}
            onClick={() => onPick(s)}
          >
            {attributes.length === 1 ? s.specValues[0] : s.name}
          </button>
        ))}
      </div>
    );
  }

  const choose = (i: number, value: string) => {
    let next = chosen.map((c, j) => (j === i ? (c === value ? null : value) : c));
    // a value that cannot go with the other choices (sold out together) keeps itself and drops them
    if (next[i] !== null && !valueAvailable(product.skus, next, i, value)) next = next.map((c, j) => (j === i ? c : null));
    const sku = skuOfValues(product.skus, next);
    setChosen(next);
    onPick(sku && inStock(sku) ? sku : null);
  };
  return (
    <div className="spec-picker" data-testid="sku-options">
      {attributes.map((a, i) => (
        <div key={a.name} className="spec-row" data-testid="spec-attribute" data-attribute={a.name}>
          <div className="spec-name muted small">{a.name}</div>
          <div className="sku-options">
            {a.values.map((v) => (
              <button
                key={v}
                type="button"
                className={`sku-option ${chosen[i] === v ? 'active' : ''}`}
                data-testid="spec-value"
                data-value={v}
                data-selected={chosen[i] === v ? 'true' : 'false'}
                disabled={!valueAvailable(product.skus, chosen, i, v)}
                onClick={() => choose(i, v)}
              >
                {v}
              </button>
            ))}
          </div>
        </div>
      ))}
    </div>
  );
}
