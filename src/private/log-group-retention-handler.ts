/**
 * Source of the custom resource handler that sets the retention of an account-wide log group that a
 * service creates (such as /aws/batch/job), creating the group when it is missing. Delete leaves the group and its retention
 * alone: other workloads in the account write there too. The unit tests load and exercise this text.
 *
 * @internal
 */
export const LOG_GROUP_RETENTION_HANDLER = `
const { CloudWatchLogsClient, CreateLogGroupCommand, PutRetentionPolicyCommand } = require('@aws-sdk/client-cloudwatch-logs');
const logs = new CloudWatchLogsClient({});

exports.handler = async (event) => {
  const logGroupName = event.ResourceProperties.LogGroupName;
  if (event.RequestType !== 'Delete') {
    try {
      await logs.send(new CreateLogGroupCommand({ logGroupName }));
    } catch (error) {
      if (error.name !== 'ResourceAlreadyExistsException') {
        throw error;
      }
    }
    const retentionInDays = Number(event.ResourceProperties.RetentionInDays);
    await logs.send(new PutRetentionPolicyCommand({ logGroupName, retentionInDays }));
  }
  return { PhysicalResourceId: logGroupName };
};
`;
