/**
 * What automation needs from the project file. `config/` sits above `automation/` (it reads the file and
 * builds these), so automation takes them as this interface; `ProjectFile` satisfies it.
 */
import type { AlertRule } from '../analytics/anomalies/alert-rules.ts';
import type { Experiment } from '../analytics/experiments/experiment.ts';
import type { SemanticLayer } from '../analytics/metrics/semantic-layer.ts';
import type { Warehouse } from '../data/warehouse/warehouse.ts';
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

/** What every automation part is built with: the warehouse it reads and records in, the project, secrets. */
export interface AutomationDeps {
  readonly warehouse: Warehouse;
  readonly project: AutomationProject;
  /** Environment variables, for the `${NAME}` references of channel definitions. */
  readonly variables: Readonly<Record<string, string | undefined>>;
  /** The server's address as people reach it (`https://sightline.example.com`), for links and images. */
  readonly publicUrl?: string;
}
