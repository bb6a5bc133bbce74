import {
  aws_cloudwatch as cloudwatch, aws_cloudwatch_actions as cloudwatchActions, aws_ecs as ecs, aws_events as events, aws_events_targets as targets,
  aws_sns as sns, aws_sns_subscriptions as subscriptions, Duration, Size,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { MetaflowMonitoringOptions } from './monitoring-options';
import { validateMonitoringOptions } from './monitoring-props-validation';
import { MetaflowBatch } from '../compute/batch';
import { IMetaflowApi } from '../metadata/api-reference';
import { MetaflowAuroraDatabase } from '../metadata/aurora-database';
import { MetaflowDatabase } from '../metadata/database';
import { IMetaflowDatabase } from '../metadata/database-reference';
import { MetaflowHttpApi } from '../metadata/http-api';
import { MetaflowMetadataService } from '../metadata/metadata-service';
import { acknowledgeRule, skipCheckovChecks } from '../private/nag';
import { validateOrThrow } from '../private/prop-errors';
import { MetaflowUi } from '../ui/ui';

/**
 * Props of `MetaflowMonitoring`: the options and the parts to watch (each optional).
 */
export interface MetaflowMonitoringProps extends MetaflowMonitoringOptions {
  /**
   * The metadata service and its database.
   *
   * @default - not watched
   */
  readonly metadataService?: MetaflowMetadataService;

  /**
   * The public API.
   *
   * @default - not watched
   */
  readonly api?: IMetaflowApi;

  /**
   * The UI.
   *
   * @default - not watched
   */
  readonly ui?: MetaflowUi;

  /**
   * AWS Batch, whose failed jobs are reported (see `notifyJobFailures`).
   *
   * @default - not watched
   */
  readonly batch?: MetaflowBatch;
}

const FIVE_MINUTES = Duration.minutes(5);
/** Healthy targets per minute; the alarms look at the worst minute. */
const HOST_COUNT = { statistic: 'Minimum', period: Duration.minutes(1) };

/**
 * CloudWatch alarms on the metadata service, its database, the public API and the UI, a rule that
 * reports failed Batch jobs, all notifying one SNS topic, and one dashboard of the platform.
 */
export class MetaflowMonitoring extends Construct {
  /** The topic every alarm and job failure notifies. */
  public readonly topic: sns.ITopic;
  /** Every alarm, in the order the dashboard shows them. */
  public readonly alarms: cloudwatch.Alarm[] = [];
  /** The platform's dashboard. */
  public readonly dashboard: cloudwatch.Dashboard;
  /** The rule that sends failed Batch jobs to the topic, when Batch is watched and `notifyJobFailures` holds. */
  public readonly jobFailureRule?: events.Rule;

  private readonly options: MetaflowMonitoringOptions;

  constructor(scope: Construct, id: string, props: MetaflowMonitoringProps) {
    super(scope, id);
    validateOrThrow('MetaflowMonitoring', props, validateMonitoringOptions);
    this.options = props;
    this.topic = props.alarmTopic ?? this.createTopic();
    for (const email of props.alarmEmails ?? []) {
      this.topic.addSubscription(new subscriptions.EmailSubscription(email));
    }
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName: props.dashboardName });

    if (props.metadataService) {
      this.watchMetadataService(props.metadataService);
      this.watchDatabase(props.metadataService.database);
    }
    if (props.api) {
      this.watchApi(props.api);
    }
    if (props.ui) {
      const metrics = props.ui.targetGroup.metrics;
      this.watchService('Ui', props.ui.service, metrics.healthyHostCount(HOST_COUNT), metrics.unhealthyHostCount(HOST_COUNT));
    }
    if (props.batch && (props.notifyJobFailures ?? true)) {
      this.jobFailureRule = this.notifyJobFailures(props.batch);
    }
    this.dashboard.addWidgets(new cloudwatch.AlarmStatusWidget({ title: 'Metaflow platform alarms', alarms: this.alarms, width: 24 }));
    this.dashboard.addWidgets(...this.alarms.map((alarm) => new cloudwatch.AlarmWidget({ alarm, title: alarm.node.id, width: 8 })));
  }

  private createTopic(): sns.Topic {
    const topic = new sns.Topic(this, 'AlarmTopic', { displayName: 'Metaflow platform alarms', enforceSSL: true });
    const reason = 'Alarm and job failure notifications carry resource names only; the AWS managed SNS key would stop CloudWatch and EventBridge '
      + 'from publishing, and a customer key costs $1 a month: pass alarmTopic for an encrypted topic.';
    acknowledgeRule(topic, 'SNS2', reason);
    skipCheckovChecks(topic, [{ id: 'CKV_AWS_26', comment: reason }]);
    return topic;
  }

  /**
   * Behind the internal load balancer, its target health; without one, whether any task runs: a running task reports
   * CPU every minute, and ECS replaces a task whose container health check fails (which also takes it out of Cloud Map).
   */
  private watchMetadataService(metadata: MetaflowMetadataService): void {
    if (metadata.targetGroup) {
      const metrics = metadata.targetGroup.metrics;
      this.watchService('MetadataService', metadata.service, metrics.healthyHostCount(HOST_COUNT), metrics.unHealthyHostCount(HOST_COUNT));
      return;
    }
    this.alarm('MetadataServiceNotRunning', metadata.service.metricCpuUtilization({ statistic: 'SampleCount', period: Duration.minutes(1) }), {
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 5,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      alarmDescription: 'No metadata service task has reported for 5 minutes: check the service\'s events and logs',
    });
  }

  /** Tasks below the desired count, and targets failing health checks. */
  private watchService(id: string, service: ecs.FargateService, healthyHosts: cloudwatch.Metric, unhealthyHosts: cloudwatch.Metric): void {
    const desiredCount = (service.node.defaultChild as ecs.CfnService).desiredCount ?? 1;
    this.alarm(`${id}TasksBelowDesired`, healthyHosts, {
      threshold: desiredCount,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 5,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      alarmDescription: `Fewer healthy ${id} tasks than the desired ${desiredCount} for 5 minutes: check the service's events and logs`,
    });
    this.alarm(`${id}UnhealthyTargets`, unhealthyHosts.with({ statistic: 'Maximum' }), {
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 5,
      alarmDescription: `A ${id} task has failed its load balancer health check for 5 minutes`,
    });
  }

  /** Alarms on a database the platform created; one that exists already is watched by its owners. */
  private watchDatabase(database: IMetaflowDatabase): void {
    if (database instanceof MetaflowDatabase) {
      this.watchInstance(database);
    } else if (database instanceof MetaflowAuroraDatabase) {
      this.alarmDatabaseCpu(database.cluster.metricCPUUtilization({ period: FIVE_MINUTES }), 'a larger database writer or serverlessV2MaxCapacity');
      this.alarmDatabaseConnections(database.cluster.metricDatabaseConnections({ statistic: 'Maximum', period: FIVE_MINUTES }));
    }
  }

  private watchInstance(database: MetaflowDatabase): void {
    const instance = database.instance;
    this.alarmDatabaseCpu(instance.metricCPUUtilization({ period: FIVE_MINUTES }), 'a larger database.instanceType');
    if (database.instanceType.isBurstable()) {
      this.alarm('DatabaseCpuCredits', instance.metric('CPUCreditBalance', { statistic: 'Minimum', period: FIVE_MINUTES }), {
        threshold: 20,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 3,
        alarmDescription: `The burstable database (db.${database.instanceType}) is running out of CPU credits and will be throttled`,
      });
    }
    const freeStorage = this.options.databaseFreeStorageThreshold ?? Size.gibibytes(2);
    this.alarm('DatabaseFreeStorage', instance.metricFreeStorageSpace({ statistic: 'Minimum', period: FIVE_MINUTES }), {
      threshold: freeStorage.toBytes(),
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 1,
      alarmDescription: `The metadata database has less than ${freeStorage.toGibibytes({ rounding: 1 })} GiB free: raise database.maxAllocatedStorageGiB`,
    });
    this.alarmDatabaseConnections(instance.metricDatabaseConnections({ statistic: 'Maximum', period: FIVE_MINUTES }));
  }

  private alarmDatabaseCpu(cpu: cloudwatch.Metric, larger: string): void {
    this.alarm('DatabaseCpu', cpu, {
      threshold: this.options.databaseCpuPercentThreshold ?? 80,
      evaluationPeriods: 3,
      alarmDescription: `The metadata database has been busy for 15 minutes: consider ${larger}`,
    });
  }

  private alarmDatabaseConnections(connections: cloudwatch.Metric): void {
    this.alarm('DatabaseConnections', connections, {
      threshold: this.options.databaseConnectionsThreshold ?? 60,
      evaluationPeriods: 1,
      alarmDescription: 'The metadata database is close to its connection limit',
    });
  }

  private watchApi(api: IMetaflowApi): void {
    const errorRate = new cloudwatch.MathExpression({
      expression: '100 * errors / requests',
      usingMetrics: { errors: api.metricServerError({ period: FIVE_MINUTES }), requests: api.metricCount({ period: FIVE_MINUTES }) },
      label: '5xx responses (%)',
      period: FIVE_MINUTES,
    });
    this.alarm('ApiServerErrors', errorRate, {
      threshold: this.options.apiServerErrorPercentThreshold ?? 5,
      evaluationPeriods: 1,
      alarmDescription: 'Many public API requests fail with 5xx: the metadata service or its database is failing',
    });
    const latency = this.options.apiLatencyThreshold ?? Duration.seconds(5);
    this.alarm('ApiLatency', api.metricLatency({ statistic: 'p99', period: Duration.minutes(1) }), {
      threshold: latency.toMilliseconds(),
      evaluationPeriods: 5,
      alarmDescription: `The public API's p99 latency has stayed above ${latency.toHumanString()} for 5 minutes`,
    });
    if (api instanceof MetaflowHttpApi) {
      this.alarm('ApiKeepAliveFailed', api.keepAliveFunction.metricErrors({ period: Duration.days(1) }), {
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        alarmDescription: 'The daily keep-alive could not reach the metadata service through the public API: its VPC link or the service is failing',
      });
    }
  }

  private notifyJobFailures(batch: MetaflowBatch): events.Rule {
    const rule = new events.Rule(this, 'JobFailures', {
      description: 'Failed AWS Batch jobs on the Metaflow platform\'s queues',
      eventPattern: {
        source: ['aws.batch'],
        detailType: ['Batch Job State Change'],
        detail: { status: ['FAILED'], jobQueue: batch.jobQueues.map((queue) => queue.jobQueueArn) },
      },
    });
    rule.addTarget(new targets.SnsTopic(this.topic, {
      message: events.RuleTargetInput.fromText(
        `Metaflow Batch job ${events.EventField.fromPath('$.detail.jobName')} failed: ${events.EventField.fromPath('$.detail.statusReason')} `
        + `(queue ${events.EventField.fromPath('$.detail.jobQueue')}, job ${events.EventField.fromPath('$.detail.jobId')})`),
    }));
    return rule;
  }

  private alarm(id: string, metric: cloudwatch.IMetric, props: Omit<cloudwatch.CreateAlarmOptions, 'metric'>): void {
    const alarm = new cloudwatch.Alarm(this, id, {
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      ...props,
      metric,
    });
    const notify = new cloudwatchActions.SnsAction(this.topic);
    alarm.addAlarmAction(notify);
    alarm.addOkAction(notify);
    this.alarms.push(alarm);
  }
}
