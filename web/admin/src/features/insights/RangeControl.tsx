// A day range in Asia/Shanghai: presets (7 / 30 / 90 days up to today) or a custom range.
import { DatePicker, Segmented, Space } from 'antd';
import { useState } from 'react';
import { useFeatureT } from '../../i18n';

export interface DayRange {
  from: string;
  to: string;
}

const DAY_MS = 86_400_000;
const shanghaiDay = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);

/** The last `days` Shanghai days up to today. */
export function lastDays(days: number): DayRange {
  const now = Date.now();
  return { from: shanghaiDay(now - (days - 1) * DAY_MS), to: shanghaiDay(now) };
}

export function RangeControl({ value, onChange, allowAll, testId }: { value: DayRange | null; onChange: (range: DayRange | null) => void; allowAll?: boolean; testId: string }) {
  const t = useFeatureT();
  const [preset, setPreset] = useState<string>(value ? '30' : 'all');
  return (
    <Space wrap data-testid={testId}>
      <Segmented
        value={preset}
        onChange={(v) => {
          const key = String(v);
          setPreset(key);
          if (key === 'all') onChange(null);
          else if (key !== 'custom') onChange(lastDays(Number(key)));
        }}
        options={[
          ...(allowAll ? [{ value: 'all', label: t('insights.rangeAll') }] : []),
          { value: '7', label: t('insights.range7') },
          { value: '30', label: t('insights.range30') },
          { value: '90', label: t('insights.range90') },
          { value: 'custom', label: t('insights.rangeCustom') },
        ]}
      />
      {preset === 'custom' && (
        <DatePicker.RangePicker
          allowClear={false}
          data-testid={`${testId}-picker`}
          onChange={(_dates, text) => {
            if (text[0] && text[1]) onChange({ from: text[0], to: text[1] });
          }}
        />
      )}
      {value && (
        <span style={{ color: 'rgba(0,0,0,0.45)', fontSize: 12 }}>
          {value.from} ~ {value.to}
        </span>
      )}
    </Space>
  );
}
