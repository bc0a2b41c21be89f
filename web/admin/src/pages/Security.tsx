// 账号安全: two-step verification by TOTP (scan the QR or type the secret, confirm with a code, then the
// recovery codes, shown once), turning it off, and changing the password.
import { CopyOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Form, Input, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { api } from '../api';
import { authErrorText, useAuth } from '../auth';
import { useT } from '../i18n';
import type { TotpSetup } from '../types';
import { ChangePasswordForm } from './ChangePassword';


const CODE_RULE = /^\d{6}$/;

function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const t = useT();
  const { message } = App.useApp();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(codes.join('\n'));
      message.success(t('security.copied'));
    } catch {
      message.error(t('security.copyFailed'));
    }
  };
  return (
    <div data-testid="mfa-recovery">
      <Alert type="warning" showIcon title={t('security.recoveryWarning')} style={{ marginBottom: 16 }} data-testid="mfa-recovery-warning" />
      <Typography.Title level={5}>{t('security.recoveryTitle')}</Typography.Title>
      <pre data-testid="mfa-recovery-codes" style={{ background: '#fafafa', border: '1px solid #f0f0f0', borderRadius: 6, padding: 12, fontSize: 15, lineHeight: 1.8, userSelect: 'all', columns: 2, maxWidth: 360 }}>
        {codes.join('\n')}
      </pre>
      <Space wrap>
        <Button icon={<CopyOutlined />} onClick={() => void copy()} data-testid="mfa-recovery-copy">
          {t('security.copy')}
        </Button>
        <Button type="primary" onClick={onDone} data-testid="mfa-recovery-done">
          {t('security.recoveryDone')}
        </Button>
      </Space>
    </div>
  );
}

function TotpCard() {
  const t = useT();
  const { message } = App.useApp();
  const { me, reloadMe, mfaEnrolmentRequired } = useAuth();
  const [setup, setSetup] = useState<TotpSetup | null>(null);
  const [recovery, setRecovery] = useState<string[] | null>(null);
  const [disabling, setDisabling] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const enabled = !!me?.mfaEnabled;

  const attempt = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (e) {
      setError(authErrorText(e, t));
    } finally {
      setBusy(false);
    }
  };

  const start = () => attempt(async () => setSetup(await api.post<TotpSetup>('/api/me/mfa/totp/setup')));
  const enable = (v: { code: string }) =>
    attempt(async () => {
      const res = await api.post<{ recoveryCodes: string[] }>('/api/me/mfa/totp/enable', { code: v.code.trim() });
      setRecovery(res.recoveryCodes);
      setSetup(null);
      message.success(t('security.enabled'));
      await reloadMe().catch(() => undefined);
    });
  const disable = (v: { code: string }) =>
    attempt(async () => {
      await api.post<null>('/api/me/mfa/totp/disable', { code: v.code.trim() });
      setDisabling(false);
      message.success(t('security.disabled'));
      await reloadMe().catch(() => undefined);
    });

  const codeItem = (testId: string) => (
    <Form.Item name="code" rules={[{ required: true, pattern: CODE_RULE, message: t('auth.mfaCodeInvalid') }]} style={{ marginBottom: 12 }}>
      <Input inputMode="numeric" autoComplete="one-time-code" maxLength={6} placeholder="123456" style={{ maxWidth: 200 }} data-testid={testId} />
    </Form.Item>
  );

  return (
    <Card
      title={<Space><SafetyCertificateOutlined />{t('security.mfa')}</Space>}
      extra={<Tag color={enabled ? 'green' : 'default'} data-testid="security-mfa-status" data-enabled={enabled}>{enabled ? t('security.mfaOn') : t('security.mfaOff')}</Tag>}
      style={{ marginBottom: 16 }}
    >
      {mfaEnrolmentRequired && <Alert type="warning" showIcon title={t('security.mfaRequired')} style={{ marginBottom: 16 }} data-testid="security-mfa-required" />}
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="security-error" />}
      {recovery ? (
        <RecoveryCodes codes={recovery} onDone={() => setRecovery(null)} />
      ) : enabled ? (
        disabling ? (
          <Form layout="vertical" onFinish={disable} requiredMark={false} data-testid="mfa-disable-form">
            <Typography.Paragraph>{t('security.disableHint')}</Typography.Paragraph>
            {codeItem('mfa-disable-code')}
            <Space>
              <Button danger htmlType="submit" loading={busy} data-testid="mfa-disable-submit">
                {t('security.disableConfirm')}
              </Button>
              <Button onClick={() => setDisabling(false)} data-testid="mfa-disable-cancel">
                {t('security.cancel')}
              </Button>
            </Space>
          </Form>
        ) : (
          <Button danger onClick={() => { setDisabling(true); setError(null); }} data-testid="mfa-disable">
            {t('security.disable')}
          </Button>
        )
      ) : setup ? (
        <Form layout="vertical" onFinish={enable} requiredMark={false} data-testid="mfa-enable-form">
          <Typography.Paragraph>{t('security.scan')}</Typography.Paragraph>
          <img src={setup.qrDataUrl} alt="TOTP QR" width={200} height={200} style={{ display: 'block', border: '1px solid #f0f0f0', borderRadius: 6 }} data-testid="mfa-qr" />
          <Typography.Paragraph style={{ marginTop: 12 }}>
            {t('security.secret')}:{' '}
            <span data-testid="mfa-secret" data-secret={setup.secret}>
              <Typography.Text code copyable={{ text: setup.secret }} style={{ wordBreak: 'break-all' }}>
                {setup.secret}
              </Typography.Text>
            </span>
          </Typography.Paragraph>
          <Typography.Paragraph>{t('security.enterCode')}</Typography.Paragraph>
          {codeItem('mfa-enable-code')}
          <Space>
            <Button type="primary" htmlType="submit" loading={busy} data-testid="mfa-enable-submit">
              {t('security.enable')}
            </Button>
            <Button onClick={() => setSetup(null)} data-testid="mfa-setup-cancel">
              {t('security.cancel')}
            </Button>
          </Space>
        </Form>
      ) : (
        <>
          <Typography.Paragraph type="secondary">{t('security.mfaIntro')}</Typography.Paragraph>
          <Button type="primary" onClick={() => void start()} loading={busy} data-testid="mfa-setup">
            {t('security.setup')}
          </Button>
        </>
      )}
    </Card>
  );
}

export default function SecurityPage() {
  const t = useT();
  return (
    <div data-testid="security-page">
      <TotpCard />
      <Card title={t('security.password')}>
        <ChangePasswordForm />
      </Card>
    </div>
  );
}
