// What the buyer may add at checkout: a note for the merchant (买家留言) and an invoice (发票: none,
// a personal title, or a company's title with its taxpayer number). The server checks both again.
import { useState } from 'react';
import { TextField } from './components';
import { useI18n } from './i18n';

export type InvoiceChoice = { kind: 'none' } | { kind: 'personal'; title: string } | { kind: 'company'; title: string; taxNo: string };

const TAX_NO = /^[0-9A-Z]{15}$|^[0-9A-Z]{17,20}$/;

export function useCheckoutExtras() {
  const [note, setNote] = useState('');
  const [invoice, setInvoice] = useState<InvoiceChoice>({ kind: 'none' });
  const invoiceError: 'checkout.invoiceTitleRequired' | 'checkout.invoiceTaxNoInvalid' | null = invoice.kind === 'none' ? null : !invoice.title.trim() ? 'checkout.invoiceTitleRequired' : invoice.kind === 'company' && !TAX_NO.test(invoice.taxNo) ? 'checkout.invoiceTaxNoInvalid' : null;
  const body = {
    ...(note.trim() ? { buyerNote: note.trim() } : {}),
    ...(invoice.kind === 'personal' ? { invoice: { kind: 'personal' as const, title: invoice.title.trim() } } : {}),
    ...(invoice.kind === 'company' ? { invoice: { kind: 'company' as const, title: invoice.title.trim(), taxNo: invoice.taxNo } } : {}),
  };
  return { note, setNote, invoice, setInvoice, invoiceError, body };
}

export function CheckoutExtras({ extras }: { extras: ReturnType<typeof useCheckoutExtras> }) {
  const { t } = useI18n();
  const { note, setNote, invoice, setInvoice, invoiceError } = extras;
  return (
    <div className="card checkout-extras" data-testid="checkout-extras">
      <div className="amount-row">
        <span>{t('checkout.note')}</span>
      </div>
      <TextField value={note} onChange={setNote} placeholder={t('checkout.notePlaceholder')} maxLength={200} testId="checkout-note" />
      <div className="amount-row">
        <span>{t('checkout.invoice')}</span>
        <select
          value={invoice.kind}
          onChange={(e) => {
            const kind = e.target.value as InvoiceChoice['kind'];
            setInvoice(kind === 'none' ? { kind } : kind === 'personal' ? { kind, title: '' } : { kind, title: '', taxNo: '' });
          }}
          data-testid="checkout-invoice-kind"
          aria-label={t('checkout.invoice')}
        >
          <option value="none">{t('checkout.invoiceNone')}</option>
          <option value="personal">{t('checkout.invoicePersonal')}</option>
          <option value="company">{t('checkout.invoiceCompany')}</option>
        </select>
      </div>
      {invoice.kind !== 'none' && (
        <TextField value={invoice.title} onChange={(title) => setInvoice({ ...invoice, title })} placeholder={t(invoice.kind === 'company' ? 'checkout.invoiceCompanyTitle' : 'checkout.invoicePersonalTitle')} maxLength={100} testId="checkout-invoice-title" />
      )}
      {invoice.kind === 'company' && (
        <TextField value={invoice.taxNo} onChange={(taxNo) => setInvoice({ ...invoice, taxNo: taxNo.toUpperCase().replace(/\s/g, '') })} placeholder={t('checkout.invoiceTaxNo')} maxLength={20} testId="checkout-invoice-tax-no" />
      )}
      {invoiceError && invoice.kind !== 'none' && (invoice.title || (invoice.kind === 'company' && invoice.taxNo)) && <div className="form-error small" data-testid="checkout-invoice-error">{t(invoiceError)}</div>}
    </div>
  );
}
