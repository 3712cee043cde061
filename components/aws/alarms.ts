import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AlarmInputs, alarmSpecs } from "../../lib/aws/operations";

export interface AwsAlarmsArgs {
    /** Prefix of the topic's and every alarm's name, e.g. "webstack-aws". */
    readonly namePrefix: string;
    /** What the alarms watch (lib/aws/operations.ts alarmSpecs). */
    readonly watch: AlarmInputs<pulumi.Input<string>>;
    /** Email subscribed to the topic (SNS mails a confirmation link first). Default: none. */
    readonly email?: string;
    /** Tags on the topic and the alarms. */
    readonly tags: Readonly<Record<string, string>>;
}

/** An SNS topic (always, so its ARN is an output) with an optional email subscription, and the alarms that notify it. */
export class AwsAlarms extends pulumi.ComponentResource {
    /** The topic every alarm notifies, on alarm and on recovery. */
    public readonly topicArn: pulumi.Output<string>;
    /** The alarms' names. */
    public readonly alarmNames: pulumi.Output<string[]>;

    constructor(name: string, args: AwsAlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("webstack:aws:Alarms", name, {}, opts);
        const parent = { parent: this };
        const topic = new aws.sns.Topic(name, { name: `${args.namePrefix}-alarms`, tags: args.tags }, parent);
        if (args.email) {
            new aws.sns.TopicSubscription(`${name}-email`, { topic: topic.arn, protocol: "email", endpoint: args.email }, parent);
        }
        const alarms = alarmSpecs(args.watch).map(
            (a) =>
                new aws.cloudwatch.MetricAlarm(
                    `${name}-${a.name}`,
                    {
                        name: `${args.namePrefix}-${a.name}`,
                        alarmDescription: a.description,
                        comparisonOperator: a.comparison,
                        threshold: a.threshold,
                        evaluationPeriods: a.evaluationPeriods,
                        datapointsToAlarm: a.datapointsToAlarm,
                        treatMissingData: a.treatMissingData,
                        // The expression is what is compared; with no expression, the one metric.
                        metricQueries: a.queries.map((q) =>
                            "expression" in q
                                ? { id: q.id, expression: q.expression, label: q.label, returnData: true }
                                : {
                                      id: q.id,
                                      returnData: a.queries.length === 1,
                                      metric: {
                                          namespace: q.metric.namespace,
                                          metricName: q.metric.metricName,
                                          dimensions: q.metric.dimensions,
                                          stat: q.metric.stat,
                                          period: q.metric.periodSec,
                                      },
                                  },
                        ),
                        alarmActions: [topic.arn],
                        okActions: [topic.arn],
                        tags: args.tags,
                    },
                    parent,
                ),
        );
        this.topicArn = topic.arn;
        this.alarmNames = pulumi.all(alarms.map((a) => a.name));
        this.registerOutputs({ topicArn: this.topicArn, alarmNames: this.alarmNames });
    }
}
