// Pulumi type tokens of every resource the program declares, written once. Tests, the replay and the
// benchmark refer to resources by these names.

/** pulumi-docker resource types (the local target). */
export const DOCKER = {
    image: "docker:index/image:Image",
    network: "docker:index/network:Network",
    container: "docker:index/container:Container",
    volume: "docker:index/volume:Volume",
} as const;

/** pulumi-tls resource types (a self-signed certificate, both targets). */
export const TLS = {
    privateKey: "tls:index/privateKey:PrivateKey",
    selfSignedCert: "tls:index/selfSignedCert:SelfSignedCert",
} as const;

/** pulumi-aws resource types (the aws target) that tests and plans single out. */
export const AWS = {
    taskDefinition: "aws:ecs/taskDefinition:TaskDefinition",
    service: "aws:ecs/service:Service",
    securityGroup: "aws:ec2/securityGroup:SecurityGroup",
    securityGroupIngress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    securityGroupEgress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    loadBalancer: "aws:lb/loadBalancer:LoadBalancer",
    targetGroup: "aws:lb/targetGroup:TargetGroup",
    listener: "aws:lb/listener:Listener",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    repository: "aws:ecr/repository:Repository",
    discoveryService: "aws:servicediscovery/service:Service",
    cluster: "aws:ecs/cluster:Cluster",
    vpc: "aws:ec2/vpc:Vpc",
    subnet: "aws:ec2/subnet:Subnet",
    routeTable: "aws:ec2/routeTable:RouteTable",
    route: "aws:ec2/route:Route",
    routeTableAssociation: "aws:ec2/routeTableAssociation:RouteTableAssociation",
    internetGateway: "aws:ec2/internetGateway:InternetGateway",
    natGateway: "aws:ec2/natGateway:NatGateway",
    eip: "aws:ec2/eip:Eip",
    vpcEndpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
    namespace: "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace",
    lifecyclePolicy: "aws:ecr/lifecyclePolicy:LifecyclePolicy",
    scalingTarget: "aws:appautoscaling/target:Target",
    scalingPolicy: "aws:appautoscaling/policy:Policy",
    certificate: "aws:acm/certificate:Certificate",
    certificateValidation: "aws:acm/certificateValidation:CertificateValidation",
    dnsRecord: "aws:route53/record:Record",
    secret: "aws:secretsmanager/secret:Secret",
    secretVersion: "aws:secretsmanager/secretVersion:SecretVersion",
    clusterCapacityProviders: "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders",
    logMetricFilter: "aws:cloudwatch/logMetricFilter:LogMetricFilter",
    metricAlarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    dashboard: "aws:cloudwatch/dashboard:Dashboard",
    snsTopic: "aws:sns/topic:Topic",
    snsSubscription: "aws:sns/topicSubscription:TopicSubscription",
} as const;
