// The checkout's 支付方式 row: the methods that will be offered here (with only the dev provider, as before).
import { useEffect, useState } from 'react';
import { useI18n } from '../i18n';
import type { PayOption } from './env';
import { availableOptions, optionKey, optionLabel } from './start';

export function PayMethodsRow() {
  const { t } = useI18n();
  const [options, setOptions] = useState<PayOption[] | null>(null);
  useEffect(() => {
    let live = true;
    availableOptions().then(
      (o) => live && setOptions(o),
      () => live && setOptions([]),
    );
    return () => {
      live = false;
    };
  }, []);
  return (
    <div className="amount-row">
      <span>{t('checkout.payMethod')}</span>
      <span className="pay-method" data-testid="pay-methods" data-methods={options?.map(optionKey).join(' ') ?? ''}>
        {options === null ? '' : options.length ? options.map((o) => optionLabel(o, t).title).join(' / ') : t('payFlow.none')}
      </span>
    </div>
  );
}
