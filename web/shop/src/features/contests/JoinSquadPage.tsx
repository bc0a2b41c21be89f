// 加入战队: what an invite link opens; shows the squad and joins it.
import { Button, Result } from 'antd-mobile';
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { ErrorView, Loading, SubPage, toastError, useLoad } from '../../components';
import { useFeatureT } from '../../i18n';
import { contestsApi } from './api';
import { TrophyIcon } from '../../icons';

export function JoinSquadPage() {
  const t = useFeatureT();
  const navigate = useNavigate();
  const code = (useParams().code ?? '').toUpperCase();
  const preview = useLoad(() => contestsApi.preview(code), [code]);
  const [busy, setBusy] = useState(false);
  const join = async () => {
    setBusy(true);
    try {
      await contestsApi.join(code);
      navigate('/squad', { replace: true });
    } catch (e) {
      toastError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <SubPage title={t('contests.joinTitle')} testId="join-squad-page">
      {preview.loading ? (
        <Loading />
      ) : preview.error ? (
        <ErrorView error={preview.error} />
      ) : (
        <div className="card">
          <Result status="info" icon={<TrophyIcon size={48} />} title={preview.data!.name} description={t('contests.joinDescription', { captain: preview.data!.captainNickname, n: preview.data!.memberCount })} />
          {preview.data!.locked && <div style={{ fontSize: 13, color: 'var(--adm-color-warning)', marginBottom: 12 }}>{t('contests.lockedHint')}</div>}
          <Button block color="primary" loading={busy} disabled={preview.data!.locked} onClick={join} data-testid="squad-join">
            {t('contests.join')}
          </Button>
        </div>
      )}
    </SubPage>
  );
}
