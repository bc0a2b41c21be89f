import { LockOutlined, MobileOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Input, Segmented, Typography } from 'antd';
import { useState } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import { ApiError } from '../api';
import { NotHqError, useAuth } from '../auth';
import { describeError } from '../hooks';
import { useLocale, useT } from '../i18n';

export function LoginPage() {
  const t = useT();
  const { locale, setLocale } = useLocale();
  const { me, login } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const from = (location.state as { from?: string } | null)?.from ?? '/';

  if (me) return <Navigate to={from} replace />;

  const onFinish = async (v: { phone: string; password: string }) => {
    setBusy(true);
    setError(null);
    try {
      await login(v.phone.trim(), v.password);
      navigate(from, { replace: true });
    } catch (e) {
      if (e instanceof NotHqError) setError(t('auth.notHq'));
      else if (e instanceof ApiError && e.status === 401) setError(t('auth.badCredentials'));
      else setError(describeError(e, t));
    } finally {
      setBusy(false);
    }
  };

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
            <Typography.Text type="secondary">{t('auth.subtitle')}</Typography.Text>
          </div>
          {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="login-error" />}
          <Form layout="vertical" onFinish={onFinish} requiredMark={false} size="large">
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
        </Card>
      </div>
    </div>
  );
}
