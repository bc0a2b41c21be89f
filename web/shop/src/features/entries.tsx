// Feature tiles (points, coupons, contests…) on the "me" page, the centre or home, from features/index.ts.
import { Grid } from 'antd-mobile';
import { useNavigate } from 'react-router-dom';
import { useAuth } from '../auth';
import { useFeatureT } from '../i18n';
import { FEATURE_ENTRIES } from '.';
import type { ShopEntry } from './types';

/** arrange: the home page's decoration (装修) orders and hides its tiles */
export function FeatureEntries({ where, arrange }: { where: ShopEntry['where']; arrange?: (entries: ShopEntry[]) => ShopEntry[] }) {
  const t = useFeatureT();
  const navigate = useNavigate();
  const { me } = useAuth();
  // a party's tile (我的代理, 我的订货店) only for a member who acts for that party
  const parties = new Set((me?.parties ?? []).map((p) => p.kind));
  const available = FEATURE_ENTRIES.filter((e) => e.where === where && (!e.party || parties.has(e.party)));
  const entries = arrange ? arrange(available) : available;
  if (entries.length === 0) return null;
  return (
    <div className="card feature-entries" data-testid={`feature-entries-${where}`}>
      <Grid columns={4} gap={8}>
        {entries.map((e) => (
          <Grid.Item key={e.key} onClick={() => navigate(e.path)} data-testid={`entry-${e.key}`} style={{ textAlign: 'center', padding: '10px 0', cursor: 'pointer' }}>
            <div className="feature-entry-icon" style={{ height: 28, display: 'flex', alignItems: 'center', justifyContent: 'center', color: 'var(--accent)' }}>{e.icon}</div>
            <div style={{ fontSize: 12, marginTop: 4 }}>{t(e.label)}</div>
          </Grid.Item>
        ))}
      </Grid>
    </div>
  );
}
