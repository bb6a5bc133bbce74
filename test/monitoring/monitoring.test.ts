import { App, aws_ec2 as ec2, aws_sns as sns, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { MetadataDatabase, MetaflowHttpApi, MetaflowMonitoringOptions, MetaflowPlatform, MetaflowPlatformProps, PublicApi, UiLogin } from '../../src';

function build(monitoring: MetaflowMonitoringOptions, props: MetaflowPlatformProps = {}) {
  const stack = new Stack(new App(), 'Test');
  const platform = new MetaflowPlatform(stack, 'Metaflow', { ...props, monitoring });
  return { stack, platform, template: Template.fromStack(stack) };
}

const alarmNames = (template: Template) => Object.keys(template.findResources('AWS::CloudWatch::Alarm'))
  .map((logicalId) => logicalId.replace(/^MetaflowMonitoring/, '').replace(/[0-9A-F]{8}$/, ''));

describe('monitoring of the default platform', () => {
  const { stack, platform, template } = build({ alarmEmails: ['oncall@example.com'] });
  const topic = stack.resolve(platform.monitoring!.topic.topicArn);

  test('alarms on the service, the burstable database and the API', () => {
    expect(alarmNames(template)).toEqual([
      'MetadataServiceNotRunning',
      'DatabaseCpu', 'DatabaseCpuCredits', 'DatabaseFreeStorage', 'DatabaseConnections',
      'ApiServerErrors', 'ApiLatency', 'ApiKeepAliveFailed',
    ]);
  });

  test('every alarm notifies the topic when it fires and when it recovers', () => {
    for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm'))) {
      expect(alarm.Properties.AlarmActions).toEqual([topic]);
      expect(alarm.Properties.OKActions).toEqual([topic]);
    }
  });

  test('no running metadata task (no CPU sample for 5 minutes, missing data included) is an alarm', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'CPUUtilization',
      Namespace: 'AWS/ECS',
      Statistic: 'SampleCount',
      Period: 60,
      EvaluationPeriods: 5,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
  });

  test('a failed keep-alive is an alarm', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      Period: 86400,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Dimensions: [{ Name: 'FunctionName', Value: stack.resolve((platform.api as MetaflowHttpApi).keepAliveFunction.functionName) }],
    });
  });

  test('behind the REST API and its load balancer: too few healthy targets, missing data included, is an alarm', () => {
    const { template: rest } = build({ alarmEmails: ['oncall@example.com'] }, { api: PublicApi.restApi() });
    expect(alarmNames(rest)).toEqual(expect.arrayContaining(['MetadataServiceTasksBelowDesired', 'MetadataServiceUnhealthyTargets', 'ApiServerErrors']));
    expect(alarmNames(rest)).not.toContain('ApiKeepAliveFailed');
    rest.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'HealthyHostCount',
      Namespace: 'AWS/NetworkELB',
      Statistic: 'Minimum',
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
  });

  test('the API error alarm is a rate of 5xx over all requests', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 5,
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: '100 * errors / requests' }),
        Match.objectLike({ Id: 'errors', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: '5xx', Namespace: 'AWS/ApiGateway' }) }) }),
        Match.objectLike({ Id: 'requests', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'Count' }) }) }),
      ]),
    });
  });

  test('the topic is new, TLS-only and mails the given address', () => {
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com', TopicArn: topic });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  test('failed jobs on the platform\'s queues go to the topic', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        'source': ['aws.batch'],
        'detail-type': ['Batch Job State Change'],
        'detail': { status: ['FAILED'], jobQueue: [stack.resolve(platform.batch.defaultJobQueue.jobQueueArn)] },
      },
      Targets: [Match.objectLike({ Arn: topic })],
    });
  });

  test('one dashboard shows every alarm', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const body = JSON.stringify(stack.resolve(template.findResources('AWS::CloudWatch::Dashboard')));
    for (const alarm of platform.monitoring!.alarms) {
      expect(body).toContain(stack.getLogicalId(alarm.node.defaultChild as any));
    }
  });
});

describe('monitoring options', () => {
  test('a given topic is used and no topic is created', () => {
    const stack = new Stack(new App(), 'Test');
    const alarmTopic = new sns.Topic(stack, 'OnCall');
    new MetaflowPlatform(stack, 'Metaflow', { monitoring: { alarmTopic } });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmActions: [stack.resolve(alarmTopic.topicArn)] });
  });

  test('a non-burstable database has no CPU credit alarm', () => {
    const database = MetadataDatabase.postgresInstance({ instanceType: ec2.InstanceType.of(ec2.InstanceClass.M7G, ec2.InstanceSize.LARGE) });
    const { template } = build({ alarmEmails: ['a@example.com'] }, { metadata: { database } });
    expect(alarmNames(template)).not.toContain('DatabaseCpuCredits');
  });

  test('thresholds are the ones given', () => {
    const { template } = build({ alarmEmails: ['a@example.com'], databaseCpuPercentThreshold: 60, databaseConnectionsThreshold: 300 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'CPUUtilization', Namespace: 'AWS/RDS', Threshold: 60 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'DatabaseConnections', Threshold: 300 });
  });

  test('the UI adds its own two alarms; notifyJobFailures false drops the rule', () => {
    const { template } = build({ alarmEmails: ['a@example.com'], notifyJobFailures: false },
      { ui: { internetFacing: false, login: UiLogin.none() } });
    expect(alarmNames(template)).toEqual(expect.arrayContaining(['UiTasksBelowDesired', 'UiUnhealthyTargets']));
    // The API's keep-alive schedule is the only rule left.
    template.resourceCountIs('AWS::Events::Rule', 1);
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 day)' });
  });

  test('the default platform has no alarm, dashboard or topic', () => {
    const template = Template.fromStack((() => {
      const stack = new Stack(new App(), 'Test');
      new MetaflowPlatform(stack, 'Metaflow');
      return stack;
    })());
    for (const type of ['AWS::CloudWatch::Alarm', 'AWS::CloudWatch::Dashboard', 'AWS::SNS::Topic', 'AWS::EFS::FileSystem']) {
      template.resourceCountIs(type, 0);
    }
  });
});
