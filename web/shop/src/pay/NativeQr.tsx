// WeChat Native on a desktop: the code_url as a QR for the buyer's phone to scan. It never decides the
// outcome: the result page around it keeps asking the server, which asks WeChat.
import QRCode from 'qrcode';
import { useEffect, useState } from 'react';
import { Price } from '../components';
import { useI18n } from '../i18n';

export function NativeQrPanel({ codeUrl, amountFen }: { codeUrl: string; amountFen: number }) {
  const { t } = useI18n();
  const [image, setImage] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let live = true;
    setImage(null);
    QRCode.toDataURL(codeUrl, { errorCorrectionLevel: 'M', margin: 4, width: 240 }).then(
      (url) => live && setImage(url),
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, [codeUrl]);
  return (
    <div className="card pay-qr" data-testid="pay-qr-panel" style={{ textAlign: 'center' }}>
      <div className="card-title">{t('payFlow.qrTitle')}</div>
      <div style={{ margin: '8px 0' }}>
        <Price fen={amountFen} size="lg" testId="pay-qr-amount" />
      </div>
      {image ? (
        <img src={image} width={240} height={240} alt={t('payFlow.qrAlt')} data-testid="pay-qr" style={{ display: 'block', margin: '0 auto' }} />
      ) : (
        <div className="muted" style={{ width: 240, height: 240, margin: '0 auto', display: 'flex', alignItems: 'center', justifyContent: 'center' }}>
          {failed ? t('payFlow.qrFailed') : t('common.loading')}
        </div>
      )}
      <div className="muted small">{t('payFlow.qrHint')}</div>
    </div>
  );
}
