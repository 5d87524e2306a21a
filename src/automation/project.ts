/**
 * What automation needs from the project file. `config/` sits above `automation/` (it reads the file and
 * builds these), so automation takes them as this interface; `ProjectFile` satisfies it.
 */
import type { AlertRule } from '../analytics/anomalies/alert-rules.ts';
import type { Experiment } from '../analytics/experiments/experiment.ts';
import type { SemanticLayer } from '../analytics/metrics/semantic-layer.ts';
import type { ChannelDefinition } from './channels/definitions.ts';
import type { ReportDefinition } from './reports/definitions.ts';
import type { JobDefinition } from './scheduler/job.ts';

export interface AutomationProject {
  readonly project: string;
  readonly layer: SemanticLayer;
  readonly experiments: ReadonlyMap<string, Experiment>;
  readonly alerts: ReadonlyMap<string, AlertRule>;
  readonly channels: ReadonlyMap<string, ChannelDefinition>;
  readonly reports: ReadonlyMap<string, ReportDefinition>;
  /** Declared jobs, and one per alert rule (`alert:<rule>`) on the rule's interval. */
  readonly jobs: ReadonlyMap<string, JobDefinition>;
}
