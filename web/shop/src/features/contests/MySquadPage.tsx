// 我的战队: my squad, the live PK standings of its contest, my contribution, and (captain) the invite link.
import { Button, Dialog, Input, ProgressBar, Tag, Toast } from 'antd-mobile';
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { Empty, ErrorView, Loading, SubPage, copyText, formatDateTime, toastError, useLoad } from '../../components';
import { useFeatureT } from '../../i18n';
import { formatFen } from '../../../../shared/money';
import { contestsApi, type Contest, type MySquad } from './api';
import { formatMetricValue } from './format';
import { TrophyIcon } from '../../icons';

/** The contest to show first: a running (or closing) one, else the next, else the latest. */
function currentContest(contests: Contest[]): Contest | undefined {
  return contests.find((c) => c.state === 'running' || c.state === 'closing') ?? [...contests].reverse().find((c) => c.state === 'scheduled') ?? contests[0];
}

export function MySquadPage() {
  const t = useFeatureT();
  const mine = useLoad(() => contestsApi.mySquad(), []);
  const results = useLoad(() => contestsApi.results(), []);
  return (
    <SubPage title={t('contests.mySquad')} testId="my-squad-page">
      {mine.loading && !mine.data ? <Loading /> : mine.error ? <ErrorView error={mine.error} onRetry={mine.reload} /> : mine.data?.squad ? <SquadView data={mine.data} reload={mine.reload} /> : <NoSquad />}
      {(results.data?.items.length ?? 0) > 0 && (
        <div className="card" data-testid="squad-results">
          <div className="card-title">{t('contests.pastResults')}</div>
          {results.data!.items.map((r) => (
            <div key={r.contestId} style={{ display: 'flex', justifyContent: 'space-between', padding: '6px 0', fontSize: 13 }}>
              <span>
                {r.name} · {r.squadName} · {t('contests.rankN', { rank: r.rank })}
              </span>
              <span style={{ color: 'var(--adm-color-danger)' }}>{r.prizeFen > 0 ? formatFen(r.prizeFen) : formatMetricValue(r.metric, r.value, t)}</span>
            </div>
          ))}
        </div>
      )}
    </SubPage>
  );
}

function NoSquad() {
  const t = useFeatureT();
  const navigate = useNavigate();
  const [code, setCode] = useState('');
  return (
    <div className="card" data-testid="no-squad">
      <Empty text={t('contests.noSquad')} />
      <Input placeholder={t('contests.codePlaceholder')} value={code} onChange={(v) => setCode(v.trim().toUpperCase())} maxLength={8} data-testid="squad-code-input" />
      <Button block color="primary" style={{ marginTop: 12 }} disabled={!/^[A-Z0-9]{8}$/.test(code)} onClick={() => navigate(`/squad/join/${code}`)} data-testid="squad-code-go">
        {t('contests.join')}
      </Button>
    </div>
  );
}

function SquadView({ data, reload }: { data: MySquad; reload: () => void }) {
  const t = useFeatureT();
  const squad = data.squad!;
  const [contestId, setContestId] = useState<number | undefined>(currentContest(data.contests)?.id);
  const inviteUrl = data.invite ? `${window.location.origin}${data.invite.path}` : '';

  const copy = async (text: string) => {
    Toast.show({ content: (await copyText(text)) ? t('contests.copied') : t('contests.copyFailed') });
  };
  const leave = async () => {
    if (!(await Dialog.confirm({ content: t('contests.leaveConfirm') }))) return;
    try {
      await contestsApi.leave();
      reload();
    } catch (e) {
      toastError(e);
    }
  };
  const remove = async (memberId: number, nickname: string) => {
    if (!(await Dialog.confirm({ content: t('contests.removeConfirm', { name: nickname }) }))) return;
    try {
      await contestsApi.removeMember(memberId);
      reload();
    } catch (e) {
      toastError(e);
    }
  };

  return (
    <>
      <div className="card" data-testid="squad-card">
        <div className="card-title-row" style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
          <div className="card-title" data-testid="squad-name">
            <TrophyIcon size={18} /> {squad.name}
          </div>
          {squad.locked && <Tag color="warning">{t('contests.locked')}</Tag>}
        </div>
        <div style={{ fontSize: 13, color: 'var(--adm-color-weak)' }}>
          {t('contests.captain')}: {squad.captainNickname} · {t('contests.memberCount', { n: squad.members.length })}
        </div>
        {data.invite && (
          <div style={{ marginTop: 12 }} data-testid="squad-invite">
            <div style={{ fontSize: 13 }}>
              {t('contests.inviteCode')}: <b data-testid="squad-invite-code">{data.invite.code}</b>
            </div>
            <div style={{ fontSize: 12, wordBreak: 'break-all', color: 'var(--adm-color-weak)', margin: '4px 0 8px' }}>{inviteUrl}</div>
            <Button size="small" color="primary" onClick={() => copy(inviteUrl)} data-testid="squad-invite-copy">
              {t('contests.copyLink')}
            </Button>
          </div>
        )}
      </div>

      {data.contests.length > 0 ? (
        <>
          {data.contests.length > 1 && (
            <div style={{ display: 'flex', gap: 8, overflowX: 'auto', padding: '0 12px' }}>
              {data.contests.map((c) => (
                <Tag key={c.id} color={c.id === contestId ? 'primary' : 'default'} fill={c.id === contestId ? 'solid' : 'outline'} onClick={() => setContestId(c.id)} style={{ cursor: 'pointer', padding: '4px 8px' }}>
                  {c.name}
                </Tag>
              ))}
            </div>
          )}
          {contestId !== undefined && <ContestStandings contestId={contestId} />}
        </>
      ) : (
        <div className="card">
          <Empty text={t('contests.noContest')} />
        </div>
      )}

      <div className="card" data-testid="squad-members">
        <div className="card-title">{t('contests.members')}</div>
        {squad.members.map((m) => (
          <div key={m.memberId} style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', padding: '6px 0' }}>
            <span>
              {m.nickname} {m.isCaptain && <Tag color="warning">{t('contests.captain')}</Tag>}
            </span>
            {data.isCaptain && !m.isCaptain && !squad.locked && (
              <Button size="mini" fill="outline" color="danger" onClick={() => remove(m.memberId, m.nickname)} data-testid={`squad-remove-${m.memberId}`}>
                {t('contests.remove')}
              </Button>
            )}
          </div>
        ))}
        {!data.isCaptain && !squad.locked && (
          <Button block fill="outline" color="danger" style={{ marginTop: 12 }} onClick={leave} data-testid="squad-leave">
            {t('contests.leave')}
          </Button>
        )}
      </div>
    </>
  );
}

function ContestStandings({ contestId }: { contestId: number }) {
  const t = useFeatureT();
  const view = useLoad(() => contestsApi.contest(contestId), [contestId]);
  const { reload } = view;
  const live = view.data?.contest.state === 'running';
  // live standings: refresh while the contest runs
  useEffect(() => {
    if (!live) return;
    const timer = setInterval(reload, 20_000);
    return () => clearInterval(timer);
  }, [live, reload]);
  if (view.loading && !view.data) return <Loading />;
  if (view.error) return <ErrorView error={view.error} onRetry={reload} />;
  const d = view.data!;
  const metric = d.contest.metric;
  const top = Math.max(1, ...d.squads.map((s) => s.value));
  const finished = d.contest.state === 'finished';
  return (
    <>
      <div className="card" data-testid="contest-card">
        <div className="card-title">
          {d.contest.name} <Tag color={live ? 'success' : 'default'}>{t(`contests.state.${d.contest.state}`)}</Tag>
        </div>
        <div style={{ fontSize: 12, color: 'var(--adm-color-weak)', marginBottom: 8 }}>
          {t(`contests.metric.${metric}`)} · {formatDateTime(d.contest.startAt)} — {formatDateTime(d.contest.deadline)}
        </div>
        <div style={{ display: 'flex', gap: 12, marginBottom: 12 }}>
          <div style={{ flex: 1, textAlign: 'center' }}>
            <div style={{ fontSize: 20, fontWeight: 600 }} data-testid="my-squad-rank">{d.mySquad ? t('contests.rankN', { rank: d.mySquad.rank }) : '—'}</div>
            <div style={{ fontSize: 12, color: 'var(--adm-color-weak)' }}>{t('contests.squadRank')}</div>
          </div>
          <div style={{ flex: 1, textAlign: 'center' }}>
            <div style={{ fontSize: 20, fontWeight: 600 }} data-testid="my-contribution">{formatMetricValue(metric, d.me.value, t)}</div>
            <div style={{ fontSize: 12, color: 'var(--adm-color-weak)' }}>{t('contests.myContribution')}</div>
          </div>
          <div style={{ flex: 1, textAlign: 'center' }}>
            <div style={{ fontSize: 20, fontWeight: 600, color: 'var(--adm-color-danger)' }} data-testid="my-prize">{formatFen(d.me.prizeFen)}</div>
            <div style={{ fontSize: 12, color: 'var(--adm-color-weak)' }}>{finished ? t('contests.prizePaid') : t('contests.prizeDue')}</div>
          </div>
        </div>
        <div data-testid="contest-standings">
          {d.squads.map((s) => (
            <div key={s.squadId} style={{ marginBottom: 10 }}>
              <div style={{ display: 'flex', justifyContent: 'space-between', fontSize: 13, fontWeight: s.mine ? 600 : 400 }}>
                <span>
                  {t('contests.rankN', { rank: s.rank })} {s.name}
                  {s.mine && ` · ${t('contests.ours')}`}
                </span>
                <span>{formatMetricValue(metric, s.value, t)}</span>
              </div>
              <ProgressBar percent={(s.value / top) * 100} style={{ '--fill-color': s.mine ? 'var(--adm-color-danger)' : 'var(--adm-color-primary)' } as React.CSSProperties} />
            </div>
          ))}
        </div>
        <div style={{ fontSize: 11, color: 'var(--adm-color-weak)' }}>{finished ? t('contests.finalHint') : t('contests.asOf', { at: formatDateTime(d.asOf) })}</div>
      </div>
      {d.mySquad && (
        <div className="card" data-testid="squad-contributions">
          <div className="card-title">{t('contests.contributions')}</div>
          {d.mySquad.members.map((m) => (
            <div key={m.memberId} style={{ display: 'flex', justifyContent: 'space-between', padding: '4px 0', fontSize: 13 }}>
              <span>{m.nickname}</span>
              <span>
                {formatMetricValue(metric, m.value, t)}
                {m.prizeFen > 0 && <span style={{ color: 'var(--adm-color-danger)', marginLeft: 8 }}>{formatFen(m.prizeFen)}</span>}
              </span>
            </div>
          ))}
        </div>
      )}
    </>
  );
}
