import { LockOutlined, MobileOutlined, SafetyOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Input, Segmented, Space, Typography } from 'antd';
import { useState } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import { ApiError } from '../api';
import { authErrorText, useAuth } from '../auth';
import { useLocale, useT } from '../i18n';

export function LoginPage() {
  const t = useT();
  const { locale, setLocale } = useLocale();
  const { me, login, verifyMfa } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  /** set once the password was right and the account asks for its second step */
  const [mfaToken, setMfaToken] = useState<string | null>(null);
  const [useRecovery, setUseRecovery] = useState(false);
  const from = (location.state as { from?: string } | null)?.from ?? '/';

  if (me) return <Navigate to={from} replace />;

  const attempt = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (e) {
      // the second step's token lasts five minutes: back to the password
      if (e instanceof ApiError && e.code === 'MFA_TOKEN_INVALID') setMfaToken(null);
      setError(authErrorText(e, t));
    } finally {
      setBusy(false);
    }
  };

  const onPassword = (v: { phone: string; password: string }) =>
    attempt(async () => {
      const step = await login(v.phone.trim(), v.password);
      if (step) {
        setMfaToken(step.mfaToken);
        setUseRecovery(false);
      } else navigate(from, { replace: true });
    });

  const onMfa = (v: { code?: string; recoveryCode?: string }) =>
    attempt(async () => {
      await verifyMfa(mfaToken!, useRecovery ? { recoveryCode: (v.recoveryCode ?? '').trim() } : { code: (v.code ?? '').trim() });
      navigate(from, { replace: true });
    });

  return (
    <div style={{ minHeight: '100vh', display: 'grid', placeItems: 'center', padding: 16, background: 'linear-gradient(160deg,#f0f5ff 0%,#fff 50%,#fff7e6 100%)' }}>
      <div style={{ width: '100%', maxWidth: 400 }}>
        <div style={{ display: 'flex', justifyContent: 'flex-end', marginBottom: 12 }}>
          <Segmented size="small" value={locale} onChange={(v) => setLocale(v as 'zh' | 'en')} options={[{ label: '中文', value: 'zh' }, { label: 'EN', value: 'en' }]} data-testid="locale-switch" />
        </div>
        <Card>
          <div style={{ textAlign: 'center', marginBottom: 24 }}>
            <div style={{ width: 48, height: 48, margin: '0 auto 12px', borderRadius: 10, background: 'linear-gradient(135deg,#ff7a45,#f5222d)', color: '#fff', display: 'grid', placeItems: 'center', fontSize: 24, fontWeight: 700 }}>分</div>
            <Typography.Title level={3} style={{ margin: 0 }}>{t('app.title')}</Typography.Title>
            <Typography.Text type="secondary">{mfaToken ? t('auth.mfaTitle') : t('auth.subtitle')}</Typography.Text>
          </div>
          {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="login-error" />}
          {!mfaToken ? (
            <Form layout="vertical" onFinish={onPassword} requiredMark={false} size="large">
              <Form.Item name="phone" label={t('auth.phone')} rules={[{ required: true, message: t('auth.phoneRequired') }, { pattern: /^1[3-9]\d{9}$/, message: t('auth.phoneInvalid') }]}>
                <Input prefix={<MobileOutlined />} inputMode="numeric" autoComplete="username" maxLength={11} data-testid="login-phone" />
              </Form.Item>
              <Form.Item name="password" label={t('auth.password')} rules={[{ required: true, message: t('auth.passwordRequired') }]}>
                <Input.Password prefix={<LockOutlined />} autoComplete="current-password" data-testid="login-password" />
              </Form.Item>
              <Button type="primary" htmlType="submit" block loading={busy} data-testid="login-submit">
                {t('auth.login')}
              </Button>
            </Form>
          ) : (
            <Form key={useRecovery ? 'recovery' : 'code'} layout="vertical" onFinish={onMfa} requiredMark={false} size="large" data-testid="login-mfa-form">
              <Typography.Paragraph type="secondary">{useRecovery ? t('auth.mfaRecoveryHint') : t('auth.mfaHint')}</Typography.Paragraph>
              {useRecovery ? (
                <Form.Item name="recoveryCode" label={t('auth.mfaRecovery')} rules={[{ required: true, whitespace: true, message: t('auth.mfaRecoveryRequired') }]}>
                  <Input prefix={<SafetyOutlined />} autoComplete="off" autoFocus maxLength={20} data-testid="login-mfa-recovery" />
                </Form.Item>
              ) : (
                <Form.Item name="code" label={t('auth.mfaCode')} rules={[{ required: true, pattern: /^\d{6}$/, message: t('auth.mfaCodeInvalid') }]}>
                  <Input prefix={<SafetyOutlined />} inputMode="numeric" autoComplete="one-time-code" autoFocus maxLength={6} data-testid="login-mfa-code" />
                </Form.Item>
              )}
              <Button type="primary" htmlType="submit" block loading={busy} data-testid="login-mfa-submit">
                {t('auth.mfaVerify')}
              </Button>
              <Space style={{ width: '100%', justifyContent: 'space-between', marginTop: 12 }}>
                <Button type="link" style={{ padding: 0 }} onClick={() => { setUseRecovery((r) => !r); setError(null); }} data-testid="login-mfa-toggle">
                  {useRecovery ? t('auth.mfaUseCode') : t('auth.mfaUseRecovery')}
                </Button>
                <Button type="link" style={{ padding: 0 }} onClick={() => { setMfaToken(null); setError(null); }} data-testid="login-mfa-back">
                  {t('auth.back')}
                </Button>
              </Space>
            </Form>
          )}
        </Card>
      </div>
    </div>
  );
}
