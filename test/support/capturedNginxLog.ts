// Real nginx output, captured by test/engine/bakeCloudWatch.test.ts with WEBSTACK_WRITE_FIXTURE=1: our nginx image
// (config rendered with logFormat "json") in front of two app containers, `stable` and `canary`, weights 1:1,
// 60 GETs per window after a warm-up. Each event is one line of `docker logs --timestamps` (stdout and stderr,
// as the awslogs driver ships them), its time as an offset from the window's start (warm-up lines come before it).
// `good`: the canary is app/; `bad`: the app variant that fails 1 in 5 page requests with a 500.
export const CAPTURED = {
    good: {
        windowMs: 2549,
        events: [
            {
                offsetMs: -1506,
                message:
                    '{"time_local":"28/Nov/2026:05:51:05 +0000","host":"127.0.0.1","upstream_addr":"172.21.0.3:8000","request":"GET / HTTP/1.1","status":200,"svc":"canary","ver":"2.0.0-good","rt":0.003,"urt":"0.003","client":"172.21.0.1"}',
            },
            {
                offsetMs: -1506,
                message:
                    '{"time_local":"28/Nov/2026:05:51:05 +0000","host":"127.0.0.1","upstream_addr":"172.21.0.2:8000","request":"GET / HTTP/1.1","status":200,"svc":"stable","ver":"1.0.0","rt":0.003,"urt":"0.003","client":"172.21.0.1"}',
            },
            {
                offsetMs: 1005,
                message:
                    '{"time_local":"28/Nov/2026:05:51:07 +0000","host":"127.0.0.1","upstream_addr":"172.21.0.2:8000","request":"GET / HTTP/1.1","status":200,"svc":"stable","ver":"1.0.0","rt":0.002,"urt":"0.002","client":"172.21.0.1"}',
            },
            {
                offsetMs: 1005,
                message:
                    '{"time_local":"28/Nov/2026:05:51:07 +0000","host":"127.0.0.1","upstream_addr":"172.21.0.3:8000","request":"GET / HTTP/1.1","status":200,"svc":"canary","ver":"2.0.0-good","rt":0.001,"urt":"0.001","client":"172.21.0.1"}',
            },
            {
                offsetMs: 1005,
                message:
                    '{"time_local":"28/Nov/2026:05:51:07 +0000","host":"127.0.0.1","upstream_addr":"172.21.0.3:8000","request":"GET / HTTP/1.1","status":200,"svc":"canary","ver":"2.0.0-good","rt":0.001,"urt":"0.001","client":"172.21.0.1"}',
            },
            {
                offsetMs: 1005,
                message:
                    '{"time_local":"28/Nov/2026:05:51:07 +0000","host":"127.0.0.1","upstream_addr":"172.21.0.3:8000","request":"GET / HTTP/1.1","status":200,"svc":"canary","ver":"2.0.0-good","rt":0.000,"urt":"0.000","client":"172.21.0.1"}',
            },
            {
                offsetMs: 1005,
                message:
                    '{"time_local":"28/Nov/2026:05:51:07 +0000","host":"127.0.0.1","upstream_addr":"172.21.0.3:8000","request":"GET / HTTP/1.1","status":200,"svc":"canary","ver":"2.0.0-good","rt":0.001,"urt":"0.001","client":"172.21.0.1"}',
            },
            {
                offsetMs: 1005,
                message:
                    '{"time_local":"28/Nov/2026:05:51:07 +0000","host":"127.0.0.1","upstream_addr":"172.21.0.3:8000","request":"GET / HTTP/1.1","status":200,"svc":"canary","ver":"2.0.0-good","rt":0.000,"urt":"0.000","client":"172.21.0.1"}',
            },
            {
                offsetMs: 1005,
                message:
                    '{"time_local":"28/Nov/2026:05:51:07 +0000","host":"127.0.0.1","upstream_addr":"172.21.0.3:8000","request":"GET / HTTP/1.1","status":200,"svc":"canary","ver":"2.0.0-good","rt":0.001,"urt":"0.000","client":"172.21.0.1"}',
            },
            {
                offsetMs: 1005,
                message:
                    '{"time_local":"28/Nov/2026:05:51:07 +0000","host":"127.0.0.1","upstream_addr":"172.21.0.3:8000","request":"GET / HTTP/1.1","status":200,"svc":"canary","ver":"2.0.0-good","rt":0.001,"urt":"0.001","client":"172.21.0.1"}',
            },
            {
                offsetMs: 1005,
                message:
                    '{"time_local":"28/Nov/2026:05:51:07 +0000","host":"127.0.0.1","upstream_addr":"172.21.0.3:8000","request":"GET / HTTP/1.1","status":200,"svc":"canary","ver":"2.0.0-good","rt":0.001,"urt":"0.000","client":"172.21.0.1"}',
            },
            {
                offsetMs: 1005,
                message:
                    '{"time_local":"28/Nov/2026:05:51:07 +0000","host":"127.0.0.1","upstream_addr":"172.21.0.3:8000","request":"GET / HTTP/1.1","status":200,"svc":"canary","ver":"2.0.0-good","rt":0.001,"urt":"0.001","client":"172.21.0.1"}',
            },
            {
                offsetMs: 1005,
                message:
                    '{"time_local":"28/Nov/2026:05:51:07 +0000","host":"127.0.0.1","upstream_addr":"172.21.0.3:8000","request":"GET / HTTP/1.1","status":200,"svc":"canary","ver":"2.0.0-good","rt":0.001,"urt":"0.001","client":"172.21.0.1"}',
            },
            {
                offsetMs: 1005,
                message:
                    '{"time_local":"28/Nov/2026:05:51:07 +0000","host":"127.0.0.1","upstream_addr":"172.21.0.3:8000","request":"GET / HTTP/1.1","status":200,"svc":"canary","ver":"2.0.0-good","rt":0.000,"urt":"0.000","client":"172.21.0.1"}',
            },
            {
                offsetMs: 1005,
                message:
                    '{"time_local":"28/Nov/2026:05:51:07 +0000","host":"127.0.0.1","upstream_addr":"172.21.0.3:8000","request":"GET / HTTP/1.1","status":200,"svc":"canary","ver":"2.0.0-good","rt":0.001,"urt":"0.001","client":"172.21.0.1"}',
            },
            {
                offsetMs: 1005,
                message:
                    '{"time_local":"28/Nov/2026:05:51:07 +0000","host":"127.0.0.1","upstream_addr":"172.21.0.3:8000","request":"GET / HTTP/1.1","status":200,"svc":"canary","ver":"2.0.0-good","rt":0.000,"urt":"0.000","client":"172.21.0.1"}',
            },
            {
                offsetMs: 1005,
                message:
                    '{"time_local":"28/Nov/2026:05:51:07 +0000","host":"127.0.0.1","upstream_addr":"172.21.0.2:8000","request":"GET / HTTP/1.1","status":200,"svc":"stable","ver":"1.0.0","rt":0.001,"urt":"0.001","client":"172.21.0.1"}',
            },
            {
                offsetMs: 1005,
                message:
                    '{"time_local":"28/Nov/2026:05:51:07 +0000","host":"127.0.0.1","upstream_addr":"172.21.0.2:8000","request":"GET / HTTP/1.1","status":200,"svc":"stable","ver":"1.0.0","rt":0.000,"urt":"0.000","client":"172.21.0.1"}',
            },
            {
                offsetMs: 1005,
                message:
                    '{"time_local":"28/Nov/2026:05:51:07 +0000","host":"127.0.0.1","upstream_addr":"172.21.0.2:8000","request":"GET / HTTP/1.1","status":200,"svc":"stable","ver":"1.0.0","rt":0.000,"urt":"0.000","client":"172.21.0.1"}',
            },
            {
                offsetMs: 1005,
                message:
                    '{"time_local":"28/Nov/2026:05:51:07 +0000","host":"127.0.0.1","upstream_addr":"172.21.0.2:8000","request":"GET / HTTP/1.1","status":200,"svc":"stable","ver":"1.0.0","rt":0.000,"urt":"0.000","client":"172.21.0.1"}',
            },
            {
                offsetMs: 1005,
                message:
                    '{"time_local":"28/Nov/2026:05:51:07 +0000","host":"127.0.0.1","upstream_addr":"172.21.0.2:8000","request":"GET / HTTP/1.1","status":200,"svc":"stable","ver":"1.0.0","rt":0.000,"urt":"0.000","client":"172.21.0.1"}',
            },
            {
                offsetMs: 1005,
                message:
                    '{"time_local":"28/Nov/2026:05:51:07 +0000","host":"127.0.0.1","upstream_addr":"172.21.0.2:8000","request":"GET / HTTP/1.1","status":200,"svc":"stable","ver":"1.0.0","rt":0.001,"urt":"0.000","client":"172.21.0.1"}',
            },
            {
                offsetMs: 1005,
                message:
                    '{"time_local":"28/Nov/2026:05:51:07 +0000","host":"127.0.0.1","upstream_addr":"172.21.0.2:8000","request":"GET / HTTP/1.1","status":200,"svc":"stable","ver":"1.0.0","rt":0.001,"urt":"0.001","client":"172.21.0.1"}',
            },
            {
                offsetMs: 1005,
                message:
                    '{"time_local":"28/Nov/2026:05:51:07 +0000","host":"127.0.0.1","upstream_addr":"172.21.0.2:8000","request":"GET / HTTP/1.1","status":200,"svc":"stable","ver":"1.0.0","rt":0.001,"urt":"0.001","client":"172.21.0.1"}',
            },
            {
                offsetMs: 1005,
                message:
                    '{"time_local":"28/Nov/2026:05:51:07 +0000","host":"127.0.0.1","upstream_addr":"172.21.0.2:8000","request":"GET / HTTP/1.1","status":200,"svc":"stable","ver":"1.0.0","rt":0.001,"urt":"0.001","client":"172.21.0.1"}',
            },
            {
                offsetMs: 1005,
                message:
                    '{"time_local":"28/Nov/2026:05:51:07 +0000","host":"127.0.0.1","upstream_addr":"172.21.0.3:8000","request":"GET / HTTP/1.1","status":200,"svc":"canary","ver":"2.0.0-good","rt":0.001,"urt":"0.001","client":"172.21.0.1"}',
            },
            {
                offsetMs: 1005,
                message:
                    '{"time_local":"28/Nov/2026:05:51:07 +0000","host":"127.0.0.1","upstream_addr":"172.21.0.2:8000","request":"GET / HTTP/1.1","status":200,"svc":"stable","ver":"1.0.0","rt":0.000,"urt":"0.001","client":"172.21.0.1"}',
            },
            {
                offsetMs: 1005,
                message:
                    '{"time_local":"28/Nov/2026:05:51:07 +0000","host":"127.0.0.1","upstream_addr":"172.21.0.2:8000","request":"GET / HTTP/1.1","status":200,"svc":"stable","ver":"1.0.0","rt":0.002,"urt":"0.002","client":"172.21.0.1"}',
            },
            {
                offsetMs: 1005,
                message:
                    '{"time_local":"28/Nov/2026:05:51:07 +0000","host":"127.0.0.1","upstream_addr":"172.21.0.3:8000","request":"GET / HTTP/1.1","status":200,"svc":"canary","ver":"2.0.0-good","rt":0.001,"urt":"0.001","client":"172.21.0.1"}',
            },
            {
                offsetMs: 1005,
                message:
                    '{"time_local":"28/Nov/2026:05:51:07 +0000","host":"127.0.0.1","upstream_addr":"172.21.0.3:8000","request":"GET / HTTP/1.1","status":200,"svc":"canary","ver":"2.0.0-good","rt":0.001,"urt":"0.001","client":"172.21.0.1"}',
            },
            {
                offsetMs: 1005,
                message:
                    '{"time_local":"28/Nov/2026:05:51:07 +0000","host":"127.0.0.1","upstream_addr":"172.21.0.3:8000","request":"GET / HTTP/1.1","status":200,"svc":"canary","ver":"2.0.0-good","rt":0.001,"urt":"0.001","client":"172.21.0.1"}',
            },
            {
                offsetMs: 1006,
                message:
                    '{"time_local":"28/Nov/2026:05:51:07 +0000","host":"127.0.0.1","upstream_addr":"172.21.0.3:8000","request":"GET / HTTP/1.1","status":200,"svc":"canary","ver":"2.0.0-good","rt":0.003,"urt":"0.003","client":"172.21.0.1"}',
            },
            {
                offsetMs: 1006,
                message:
                    '{"time_local":"28/Nov/2026:05:51:07 +0000","host":"127.0.0.1","upstream_addr":"172.21.0.2:8000","request":"GET / HTTP/1.1","status":200,"svc":"stable","ver":"1.0.0","rt":0.001,"urt":"0.001","client":"172.21.0.1"}',
            },
            {
                offsetMs: 1006,
                message:
                    '{"time_local":"28/Nov/2026:05:51:07 +0000","host":"127.0.0.1","upstream_addr":"172.21.0.2:8000","request":"GET / HTTP/1.1","status":200,"svc":"stable","ver":"1.0.0","rt":0.000,"urt":"0.000","client":"172.21.0.1"}',
            },
            {
                offsetMs: 1006,
                message:
                    '{"time_local":"28/Nov/2026:05:51:07 +0000","host":"127.0.0.1","upstream_addr":"172.21.0.2:8000","request":"GET / HTTP/1.1","status":200,"svc":"stable","ver":"1.0.0","rt":0.000,"urt":"0.000","client":"172.21.0.1"}',
            },
            {
                offsetMs: 1006,
                message:
                    '{"time_local":"28/Nov/2026:05:51:07 +0000","host":"127.0.0.1","upstream_addr":"172.21.0.2:8000","request":"GET / HTTP/1.1","status":200,"svc":"stable","ver":"1.0.0","rt":0.001,"urt":"0.001","client":"172.21.0.1"}',
            },
            {
                offsetMs: 1006,
                message:
                    '{"time_local":"28/Nov/2026:05:51:07 +0000","host":"127.0.0.1","upstream_addr":"172.21.0.2:8000","request":"GET / HTTP/1.1","status":200,"svc":"stable","ver":"1.0.0","rt":0.001,"urt":"0.001","client":"172.21.0.1"}',
            },
            {
                offsetMs: 1006,
                message:
                    '{"time_local":"28/Nov/2026:05:51:07 +0000","host":"127.0.0.1","upstream_addr":"172.21.0.2:8000","request":"GET / HTTP/1.1","status":200,"svc":"stable","ver":"1.0.0","rt":0.001,"urt":"0.000","client":"172.21.0.1"}',
            },
            {
                offsetMs: 1006,
                message:
                    '{"time_local":"28/Nov/2026:05:51:07 +0000","host":"127.0.0.1","upstream_addr":"172.21.0.2:8000","request":"GET / HTTP/1.1","status":200,"svc":"stable","ver":"1.0.0","rt":0.001,"urt":"0.001","client":"172.21.0.1"}',
            },
            {
                offsetMs: 1006,
                message:
                    '{"time_local":"28/Nov/2026:05:51:07 +0000","host":"127.0.0.1","upstream_addr":"172.21.0.2:8000","request":"GET / HTTP/1.1","status":200,"svc":"stable","ver":"1.0.0","rt":0.001,"urt":"0.001","client":"172.21.0.1"}',
            },
            {
                offsetMs: 1006,
                message:
                    '{"time_local":"28/Nov/2026:05:51:07 +0000","host":"127.0.0.1","upstream_addr":"172.21.0.2:8000","request":"GET / HTTP/1.1","status":200,"svc":"stable","ver":"1.0.0","rt":0.001,"urt":"0.001","client":"172.21.0.1"}',
            },
            {
                offsetMs: 1006,
                message:
                    '{"time_local":"28/Nov/2026:05:51:07 +0000","host":"127.0.0.1","upstream_addr":"172.21.0.2:8000","request":"GET / HTTP/1.1","status":200,"svc":"stable","ver":"1.0.0","rt":0.001,"urt":"0.001","client":"172.21.0.1"}',
            },
            {
                offsetMs: 1006,
                message:
                    '{"time_local":"28/Nov/2026:05:51:07 +0000","host":"127.0.0.1","upstream_addr":"172.21.0.2:8000","request":"GET / HTTP/1.1","status":200,"svc":"stable","ver":"1.0.0","rt":0.000,"urt":"0.000","client":"172.21.0.1"}',
            },
            {
                offsetMs: 1006,
                message:
                    '{"time_local":"28/Nov/2026:05:51:07 +0000","host":"127.0.0.1","upstream_addr":"172.21.0.2:8000","request":"GET / HTTP/1.1","status":200,"svc":"stable","ver":"1.0.0","rt":0.001,"urt":"0.001","client":"172.21.0.1"}',
            },
            {
                offsetMs: 1006,
                message:
                    '{"time_local":"28/Nov/2026:05:51:07 +0000","host":"127.0.0.1","upstream_addr":"172.21.0.2:8000","request":"GET / HTTP/1.1","status":200,"svc":"stable","ver":"1.0.0","rt":0.001,"urt":"0.001","client":"172.21.0.1"}',
            },
            {
                offsetMs: 1006,
                message:
                    '{"time_local":"28/Nov/2026:05:51:07 +0000","host":"127.0.0.1","upstream_addr":"172.21.0.3:8000","request":"GET / HTTP/1.1","status":200,"svc":"canary","ver":"2.0.0-good","rt":0.001,"urt":"0.001","client":"172.21.0.1"}',
            },
            {
                offsetMs: 1006,
                message:
                    '{"time_local":"28/Nov/2026:05:51:07 +0000","host":"127.0.0.1","upstream_addr":"172.21.0.3:8000","request":"GET / HTTP/1.1","status":200,"svc":"canary","ver":"2.0.0-good","rt":0.001,"urt":"0.001","client":"172.21.0.1"}',
            },
            {
                offsetMs: 1006,
                message:
                    '{"time_local":"28/Nov/2026:05:51:07 +0000","host":"127.0.0.1","upstream_addr":"172.21.0.3:8000","request":"GET / HTTP/1.1","status":200,"svc":"canary","ver":"2.0.0-good","rt":0.001,"urt":"0.001","client":"172.21.0.1"}',
            },
            {
                offsetMs: 1006,
                message:
                    '{"time_local":"28/Nov/2026:05:51:07 +0000","host":"127.0.0.1","upstream_addr":"172.21.0.3:8000","request":"GET / HTTP/1.1","status":200,"svc":"canary","ver":"2.0.0-good","rt":0.001,"urt":"0.001","client":"172.21.0.1"}',
            },
            {
                offsetMs: 1006,
                message:
                    '{"time_local":"28/Nov/2026:05:51:07 +0000","host":"127.0.0.1","upstream_addr":"172.21.0.3:8000","request":"GET / HTTP/1.1","status":200,"svc":"canary","ver":"2.0.0-good","rt":0.001,"urt":"0.001","client":"172.21.0.1"}',
            },
            {
                offsetMs: 1006,
                message:
                    '{"time_local":"28/Nov/2026:05:51:07 +0000","host":"127.0.0.1","upstream_addr":"172.21.0.3:8000","request":"GET / HTTP/1.1","status":200,"svc":"canary","ver":"2.0.0-good","rt":0.001,"urt":"0.001","client":"172.21.0.1"}',
            },
            {
                offsetMs: 1006,
                message:
                    '{"time_local":"28/Nov/2026:05:51:07 +0000","host":"127.0.0.1","upstream_addr":"172.21.0.3:8000","request":"GET / HTTP/1.1","status":200,"svc":"canary","ver":"2.0.0-good","rt":0.001,"urt":"0.001","client":"172.21.0.1"}',
            },
            {
                offsetMs: 1006,
                message:
                    '{"time_local":"28/Nov/2026:05:51:07 +0000","host":"127.0.0.1","upstream_addr":"172.21.0.3:8000","request":"GET / HTTP/1.1","status":200,"svc":"canary","ver":"2.0.0-good","rt":0.000,"urt":"0.000","client":"172.21.0.1"}',
            },
            {
                offsetMs: 1006,
                message:
                    '{"time_local":"28/Nov/2026:05:51:07 +0000","host":"127.0.0.1","upstream_addr":"172.21.0.3:8000","request":"GET / HTTP/1.1","status":200,"svc":"canary","ver":"2.0.0-good","rt":0.001,"urt":"0.001","client":"172.21.0.1"}',
            },
            {
                offsetMs: 1006,
                message:
                    '{"time_local":"28/Nov/2026:05:51:07 +0000","host":"127.0.0.1","upstream_addr":"172.21.0.2:8000","request":"GET / HTTP/1.1","status":200,"svc":"stable","ver":"1.0.0","rt":0.001,"urt":"0.001","client":"172.21.0.1"}',
            },
            {
                offsetMs: 1006,
                message:
                    '{"time_local":"28/Nov/2026:05:51:07 +0000","host":"127.0.0.1","upstream_addr":"172.21.0.3:8000","request":"GET / HTTP/1.1","status":200,"svc":"canary","ver":"2.0.0-good","rt":0.001,"urt":"0.001","client":"172.21.0.1"}',
            },
            {
                offsetMs: 1006,
                message:
                    '{"time_local":"28/Nov/2026:05:51:07 +0000","host":"127.0.0.1","upstream_addr":"172.21.0.3:8000","request":"GET / HTTP/1.1","status":200,"svc":"canary","ver":"2.0.0-good","rt":0.000,"urt":"0.000","client":"172.21.0.1"}',
            },
            {
                offsetMs: 1006,
                message:
                    '{"time_local":"28/Nov/2026:05:51:07 +0000","host":"127.0.0.1","upstream_addr":"172.21.0.3:8000","request":"GET / HTTP/1.1","status":200,"svc":"canary","ver":"2.0.0-good","rt":0.000,"urt":"0.000","client":"172.21.0.1"}',
            },
            {
                offsetMs: 1006,
                message:
                    '{"time_local":"28/Nov/2026:05:51:07 +0000","host":"127.0.0.1","upstream_addr":"172.21.0.2:8000","request":"GET / HTTP/1.1","status":200,"svc":"stable","ver":"1.0.0","rt":0.000,"urt":"0.000","client":"172.21.0.1"}',
            },
            {
                offsetMs: 1006,
                message:
                    '{"time_local":"28/Nov/2026:05:51:07 +0000","host":"127.0.0.1","upstream_addr":"172.21.0.2:8000","request":"GET / HTTP/1.1","status":200,"svc":"stable","ver":"1.0.0","rt":0.000,"urt":"0.000","client":"172.21.0.1"}',
            },
            {
                offsetMs: 1006,
                message:
                    '{"time_local":"28/Nov/2026:05:51:07 +0000","host":"127.0.0.1","upstream_addr":"172.21.0.2:8000","request":"GET / HTTP/1.1","status":200,"svc":"stable","ver":"1.0.0","rt":0.000,"urt":"0.001","client":"172.21.0.1"}',
            },
            {
                offsetMs: 1006,
                message:
                    '{"time_local":"28/Nov/2026:05:51:07 +0000","host":"127.0.0.1","upstream_addr":"172.21.0.2:8000","request":"GET / HTTP/1.1","status":200,"svc":"stable","ver":"1.0.0","rt":0.000,"urt":"0.000","client":"172.21.0.1"}',
            },
            { offsetMs: -3012, message: "webstack-entrypoint: wrote /etc/nginx/nginx.conf (resolvers: 127.0.0.11)" },
        ],
    },
    bad: {
        windowMs: 2553,
        events: [
            {
                offsetMs: -1506,
                message:
                    '{"time_local":"28/Nov/2026:05:51:12 +0000","host":"127.0.0.1","upstream_addr":"172.22.0.3:8000","request":"GET / HTTP/1.1","status":200,"svc":"canary","ver":"2.0.0-bad","rt":0.003,"urt":"0.003","client":"172.22.0.1"}',
            },
            {
                offsetMs: -1506,
                message:
                    '{"time_local":"28/Nov/2026:05:51:12 +0000","host":"127.0.0.1","upstream_addr":"172.22.0.2:8000","request":"GET / HTTP/1.1","status":200,"svc":"stable","ver":"1.0.0","rt":0.004,"urt":"0.004","client":"172.22.0.1"}',
            },
            {
                offsetMs: 1012,
                message:
                    '{"time_local":"28/Nov/2026:05:51:15 +0000","host":"127.0.0.1","upstream_addr":"172.22.0.3:8000","request":"GET / HTTP/1.1","status":200,"svc":"canary","ver":"2.0.0-bad","rt":0.005,"urt":"0.004","client":"172.22.0.1"}',
            },
            {
                offsetMs: 1012,
                message:
                    '{"time_local":"28/Nov/2026:05:51:15 +0000","host":"127.0.0.1","upstream_addr":"172.22.0.2:8000","request":"GET / HTTP/1.1","status":200,"svc":"stable","ver":"1.0.0","rt":0.001,"urt":"0.001","client":"172.22.0.1"}',
            },
            {
                offsetMs: 1012,
                message:
                    '{"time_local":"28/Nov/2026:05:51:15 +0000","host":"127.0.0.1","upstream_addr":"172.22.0.2:8000","request":"GET / HTTP/1.1","status":200,"svc":"stable","ver":"1.0.0","rt":0.001,"urt":"0.001","client":"172.22.0.1"}',
            },
            {
                offsetMs: 1012,
                message:
                    '{"time_local":"28/Nov/2026:05:51:15 +0000","host":"127.0.0.1","upstream_addr":"172.22.0.3:8000","request":"GET / HTTP/1.1","status":200,"svc":"canary","ver":"2.0.0-bad","rt":0.001,"urt":"0.001","client":"172.22.0.1"}',
            },
            {
                offsetMs: 1012,
                message:
                    '{"time_local":"28/Nov/2026:05:51:15 +0000","host":"127.0.0.1","upstream_addr":"172.22.0.3:8000","request":"GET / HTTP/1.1","status":200,"svc":"canary","ver":"2.0.0-bad","rt":0.001,"urt":"0.001","client":"172.22.0.1"}',
            },
            {
                offsetMs: 1012,
                message:
                    '{"time_local":"28/Nov/2026:05:51:15 +0000","host":"127.0.0.1","upstream_addr":"172.22.0.2:8000","request":"GET / HTTP/1.1","status":200,"svc":"stable","ver":"1.0.0","rt":0.000,"urt":"0.000","client":"172.22.0.1"}',
            },
            {
                offsetMs: 1012,
                message:
                    '{"time_local":"28/Nov/2026:05:51:15 +0000","host":"127.0.0.1","upstream_addr":"172.22.0.2:8000","request":"GET / HTTP/1.1","status":200,"svc":"stable","ver":"1.0.0","rt":0.000,"urt":"0.000","client":"172.22.0.1"}',
            },
            {
                offsetMs: 1012,
                message:
                    '{"time_local":"28/Nov/2026:05:51:15 +0000","host":"127.0.0.1","upstream_addr":"172.22.0.2:8000","request":"GET / HTTP/1.1","status":200,"svc":"stable","ver":"1.0.0","rt":0.000,"urt":"0.000","client":"172.22.0.1"}',
            },
            {
                offsetMs: 1012,
                message:
                    '{"time_local":"28/Nov/2026:05:51:15 +0000","host":"127.0.0.1","upstream_addr":"172.22.0.2:8000","request":"GET / HTTP/1.1","status":200,"svc":"stable","ver":"1.0.0","rt":0.001,"urt":"0.000","client":"172.22.0.1"}',
            },
            {
                offsetMs: 1012,
                message:
                    '{"time_local":"28/Nov/2026:05:51:15 +0000","host":"127.0.0.1","upstream_addr":"172.22.0.2:8000","request":"GET / HTTP/1.1","status":200,"svc":"stable","ver":"1.0.0","rt":0.000,"urt":"0.000","client":"172.22.0.1"}',
            },
            {
                offsetMs: 1012,
                message:
                    '{"time_local":"28/Nov/2026:05:51:15 +0000","host":"127.0.0.1","upstream_addr":"172.22.0.3:8000","request":"GET / HTTP/1.1","status":200,"svc":"canary","ver":"2.0.0-bad","rt":0.001,"urt":"0.001","client":"172.22.0.1"}',
            },
            {
                offsetMs: 1012,
                message:
                    '{"time_local":"28/Nov/2026:05:51:15 +0000","host":"127.0.0.1","upstream_addr":"172.22.0.2:8000","request":"GET / HTTP/1.1","status":200,"svc":"stable","ver":"1.0.0","rt":0.000,"urt":"0.000","client":"172.22.0.1"}',
            },
            {
                offsetMs: 1012,
                message:
                    '{"time_local":"28/Nov/2026:05:51:15 +0000","host":"127.0.0.1","upstream_addr":"172.22.0.3:8000","request":"GET / HTTP/1.1","status":500,"svc":"canary","ver":"2.0.0-bad","rt":0.000,"urt":"0.000","client":"172.22.0.1"}',
            },
            {
                offsetMs: 1012,
                message:
                    '{"time_local":"28/Nov/2026:05:51:15 +0000","host":"127.0.0.1","upstream_addr":"172.22.0.3:8000","request":"GET / HTTP/1.1","status":200,"svc":"canary","ver":"2.0.0-bad","rt":0.000,"urt":"0.000","client":"172.22.0.1"}',
            },
            {
                offsetMs: 1012,
                message:
                    '{"time_local":"28/Nov/2026:05:51:15 +0000","host":"127.0.0.1","upstream_addr":"172.22.0.3:8000","request":"GET / HTTP/1.1","status":200,"svc":"canary","ver":"2.0.0-bad","rt":0.000,"urt":"0.000","client":"172.22.0.1"}',
            },
            {
                offsetMs: 1012,
                message:
                    '{"time_local":"28/Nov/2026:05:51:15 +0000","host":"127.0.0.1","upstream_addr":"172.22.0.2:8000","request":"GET / HTTP/1.1","status":200,"svc":"stable","ver":"1.0.0","rt":0.000,"urt":"0.000","client":"172.22.0.1"}',
            },
            {
                offsetMs: 1012,
                message:
                    '{"time_local":"28/Nov/2026:05:51:15 +0000","host":"127.0.0.1","upstream_addr":"172.22.0.2:8000","request":"GET / HTTP/1.1","status":200,"svc":"stable","ver":"1.0.0","rt":0.000,"urt":"0.000","client":"172.22.0.1"}',
            },
            {
                offsetMs: 1012,
                message:
                    '{"time_local":"28/Nov/2026:05:51:15 +0000","host":"127.0.0.1","upstream_addr":"172.22.0.2:8000","request":"GET / HTTP/1.1","status":200,"svc":"stable","ver":"1.0.0","rt":0.001,"urt":"0.001","client":"172.22.0.1"}',
            },
            {
                offsetMs: 1012,
                message:
                    '{"time_local":"28/Nov/2026:05:51:15 +0000","host":"127.0.0.1","upstream_addr":"172.22.0.2:8000","request":"GET / HTTP/1.1","status":200,"svc":"stable","ver":"1.0.0","rt":0.001,"urt":"0.001","client":"172.22.0.1"}',
            },
            {
                offsetMs: 1012,
                message:
                    '{"time_local":"28/Nov/2026:05:51:15 +0000","host":"127.0.0.1","upstream_addr":"172.22.0.2:8000","request":"GET / HTTP/1.1","status":200,"svc":"stable","ver":"1.0.0","rt":0.001,"urt":"0.001","client":"172.22.0.1"}',
            },
            {
                offsetMs: 1012,
                message:
                    '{"time_local":"28/Nov/2026:05:51:15 +0000","host":"127.0.0.1","upstream_addr":"172.22.0.2:8000","request":"GET / HTTP/1.1","status":200,"svc":"stable","ver":"1.0.0","rt":0.002,"urt":"0.002","client":"172.22.0.1"}',
            },
            {
                offsetMs: 1012,
                message:
                    '{"time_local":"28/Nov/2026:05:51:15 +0000","host":"127.0.0.1","upstream_addr":"172.22.0.2:8000","request":"GET / HTTP/1.1","status":200,"svc":"stable","ver":"1.0.0","rt":0.000,"urt":"0.000","client":"172.22.0.1"}',
            },
            {
                offsetMs: 1012,
                message:
                    '{"time_local":"28/Nov/2026:05:51:15 +0000","host":"127.0.0.1","upstream_addr":"172.22.0.2:8000","request":"GET / HTTP/1.1","status":200,"svc":"stable","ver":"1.0.0","rt":0.001,"urt":"0.001","client":"172.22.0.1"}',
            },
            {
                offsetMs: 1012,
                message:
                    '{"time_local":"28/Nov/2026:05:51:15 +0000","host":"127.0.0.1","upstream_addr":"172.22.0.2:8000","request":"GET / HTTP/1.1","status":200,"svc":"stable","ver":"1.0.0","rt":0.000,"urt":"0.000","client":"172.22.0.1"}',
            },
            {
                offsetMs: 1012,
                message:
                    '{"time_local":"28/Nov/2026:05:51:15 +0000","host":"127.0.0.1","upstream_addr":"172.22.0.2:8000","request":"GET / HTTP/1.1","status":200,"svc":"stable","ver":"1.0.0","rt":0.000,"urt":"0.000","client":"172.22.0.1"}',
            },
            {
                offsetMs: 1012,
                message:
                    '{"time_local":"28/Nov/2026:05:51:15 +0000","host":"127.0.0.1","upstream_addr":"172.22.0.2:8000","request":"GET / HTTP/1.1","status":200,"svc":"stable","ver":"1.0.0","rt":0.001,"urt":"0.001","client":"172.22.0.1"}',
            },
            {
                offsetMs: 1012,
                message:
                    '{"time_local":"28/Nov/2026:05:51:15 +0000","host":"127.0.0.1","upstream_addr":"172.22.0.2:8000","request":"GET / HTTP/1.1","status":200,"svc":"stable","ver":"1.0.0","rt":0.002,"urt":"0.002","client":"172.22.0.1"}',
            },
            {
                offsetMs: 1012,
                message:
                    '{"time_local":"28/Nov/2026:05:51:15 +0000","host":"127.0.0.1","upstream_addr":"172.22.0.3:8000","request":"GET / HTTP/1.1","status":500,"svc":"canary","ver":"2.0.0-bad","rt":0.001,"urt":"0.002","client":"172.22.0.1"}',
            },
            {
                offsetMs: 1012,
                message:
                    '{"time_local":"28/Nov/2026:05:51:15 +0000","host":"127.0.0.1","upstream_addr":"172.22.0.3:8000","request":"GET / HTTP/1.1","status":200,"svc":"canary","ver":"2.0.0-bad","rt":0.001,"urt":"0.001","client":"172.22.0.1"}',
            },
            {
                offsetMs: 1012,
                message:
                    '{"time_local":"28/Nov/2026:05:51:15 +0000","host":"127.0.0.1","upstream_addr":"172.22.0.2:8000","request":"GET / HTTP/1.1","status":200,"svc":"stable","ver":"1.0.0","rt":0.003,"urt":"0.004","client":"172.22.0.1"}',
            },
            {
                offsetMs: 1012,
                message:
                    '{"time_local":"28/Nov/2026:05:51:15 +0000","host":"127.0.0.1","upstream_addr":"172.22.0.3:8000","request":"GET / HTTP/1.1","status":200,"svc":"canary","ver":"2.0.0-bad","rt":0.001,"urt":"0.001","client":"172.22.0.1"}',
            },
            {
                offsetMs: 1012,
                message:
                    '{"time_local":"28/Nov/2026:05:51:15 +0000","host":"127.0.0.1","upstream_addr":"172.22.0.3:8000","request":"GET / HTTP/1.1","status":200,"svc":"canary","ver":"2.0.0-bad","rt":0.001,"urt":"0.001","client":"172.22.0.1"}',
            },
            {
                offsetMs: 1012,
                message:
                    '{"time_local":"28/Nov/2026:05:51:15 +0000","host":"127.0.0.1","upstream_addr":"172.22.0.3:8000","request":"GET / HTTP/1.1","status":500,"svc":"canary","ver":"2.0.0-bad","rt":0.000,"urt":"0.000","client":"172.22.0.1"}',
            },
            {
                offsetMs: 1012,
                message:
                    '{"time_local":"28/Nov/2026:05:51:15 +0000","host":"127.0.0.1","upstream_addr":"172.22.0.2:8000","request":"GET / HTTP/1.1","status":200,"svc":"stable","ver":"1.0.0","rt":0.000,"urt":"0.000","client":"172.22.0.1"}',
            },
            {
                offsetMs: 1012,
                message:
                    '{"time_local":"28/Nov/2026:05:51:15 +0000","host":"127.0.0.1","upstream_addr":"172.22.0.2:8000","request":"GET / HTTP/1.1","status":200,"svc":"stable","ver":"1.0.0","rt":0.001,"urt":"0.001","client":"172.22.0.1"}',
            },
            {
                offsetMs: 1012,
                message:
                    '{"time_local":"28/Nov/2026:05:51:15 +0000","host":"127.0.0.1","upstream_addr":"172.22.0.2:8000","request":"GET / HTTP/1.1","status":200,"svc":"stable","ver":"1.0.0","rt":0.001,"urt":"0.000","client":"172.22.0.1"}',
            },
            {
                offsetMs: 1012,
                message:
                    '{"time_local":"28/Nov/2026:05:51:15 +0000","host":"127.0.0.1","upstream_addr":"172.22.0.3:8000","request":"GET / HTTP/1.1","status":200,"svc":"canary","ver":"2.0.0-bad","rt":0.001,"urt":"0.001","client":"172.22.0.1"}',
            },
            {
                offsetMs: 1012,
                message:
                    '{"time_local":"28/Nov/2026:05:51:15 +0000","host":"127.0.0.1","upstream_addr":"172.22.0.3:8000","request":"GET / HTTP/1.1","status":200,"svc":"canary","ver":"2.0.0-bad","rt":0.001,"urt":"0.001","client":"172.22.0.1"}',
            },
            {
                offsetMs: 1012,
                message:
                    '{"time_local":"28/Nov/2026:05:51:15 +0000","host":"127.0.0.1","upstream_addr":"172.22.0.3:8000","request":"GET / HTTP/1.1","status":500,"svc":"canary","ver":"2.0.0-bad","rt":0.000,"urt":"0.000","client":"172.22.0.1"}',
            },
            {
                offsetMs: 1012,
                message:
                    '{"time_local":"28/Nov/2026:05:51:15 +0000","host":"127.0.0.1","upstream_addr":"172.22.0.3:8000","request":"GET / HTTP/1.1","status":200,"svc":"canary","ver":"2.0.0-bad","rt":0.000,"urt":"0.000","client":"172.22.0.1"}',
            },
            {
                offsetMs: 1012,
                message:
                    '{"time_local":"28/Nov/2026:05:51:15 +0000","host":"127.0.0.1","upstream_addr":"172.22.0.3:8000","request":"GET / HTTP/1.1","status":200,"svc":"canary","ver":"2.0.0-bad","rt":0.000,"urt":"0.000","client":"172.22.0.1"}',
            },
            {
                offsetMs: 1012,
                message:
                    '{"time_local":"28/Nov/2026:05:51:15 +0000","host":"127.0.0.1","upstream_addr":"172.22.0.2:8000","request":"GET / HTTP/1.1","status":200,"svc":"stable","ver":"1.0.0","rt":0.001,"urt":"0.001","client":"172.22.0.1"}',
            },
            {
                offsetMs: 1012,
                message:
                    '{"time_local":"28/Nov/2026:05:51:15 +0000","host":"127.0.0.1","upstream_addr":"172.22.0.3:8000","request":"GET / HTTP/1.1","status":200,"svc":"canary","ver":"2.0.0-bad","rt":0.000,"urt":"0.000","client":"172.22.0.1"}',
            },
            {
                offsetMs: 1012,
                message:
                    '{"time_local":"28/Nov/2026:05:51:15 +0000","host":"127.0.0.1","upstream_addr":"172.22.0.2:8000","request":"GET / HTTP/1.1","status":200,"svc":"stable","ver":"1.0.0","rt":0.001,"urt":"0.001","client":"172.22.0.1"}',
            },
            {
                offsetMs: 1012,
                message:
                    '{"time_local":"28/Nov/2026:05:51:15 +0000","host":"127.0.0.1","upstream_addr":"172.22.0.2:8000","request":"GET / HTTP/1.1","status":200,"svc":"stable","ver":"1.0.0","rt":0.001,"urt":"0.001","client":"172.22.0.1"}',
            },
            {
                offsetMs: 1012,
                message:
                    '{"time_local":"28/Nov/2026:05:51:15 +0000","host":"127.0.0.1","upstream_addr":"172.22.0.3:8000","request":"GET / HTTP/1.1","status":200,"svc":"canary","ver":"2.0.0-bad","rt":0.001,"urt":"0.001","client":"172.22.0.1"}',
            },
            {
                offsetMs: 1012,
                message:
                    '{"time_local":"28/Nov/2026:05:51:15 +0000","host":"127.0.0.1","upstream_addr":"172.22.0.3:8000","request":"GET / HTTP/1.1","status":200,"svc":"canary","ver":"2.0.0-bad","rt":0.001,"urt":"0.001","client":"172.22.0.1"}',
            },
            {
                offsetMs: 1012,
                message:
                    '{"time_local":"28/Nov/2026:05:51:15 +0000","host":"127.0.0.1","upstream_addr":"172.22.0.3:8000","request":"GET / HTTP/1.1","status":500,"svc":"canary","ver":"2.0.0-bad","rt":0.000,"urt":"0.000","client":"172.22.0.1"}',
            },
            {
                offsetMs: 1012,
                message:
                    '{"time_local":"28/Nov/2026:05:51:15 +0000","host":"127.0.0.1","upstream_addr":"172.22.0.3:8000","request":"GET / HTTP/1.1","status":200,"svc":"canary","ver":"2.0.0-bad","rt":0.001,"urt":"0.000","client":"172.22.0.1"}',
            },
            {
                offsetMs: 1012,
                message:
                    '{"time_local":"28/Nov/2026:05:51:15 +0000","host":"127.0.0.1","upstream_addr":"172.22.0.3:8000","request":"GET / HTTP/1.1","status":200,"svc":"canary","ver":"2.0.0-bad","rt":0.001,"urt":"0.001","client":"172.22.0.1"}',
            },
            {
                offsetMs: 1012,
                message:
                    '{"time_local":"28/Nov/2026:05:51:15 +0000","host":"127.0.0.1","upstream_addr":"172.22.0.3:8000","request":"GET / HTTP/1.1","status":200,"svc":"canary","ver":"2.0.0-bad","rt":0.000,"urt":"0.000","client":"172.22.0.1"}',
            },
            {
                offsetMs: 1012,
                message:
                    '{"time_local":"28/Nov/2026:05:51:15 +0000","host":"127.0.0.1","upstream_addr":"172.22.0.3:8000","request":"GET / HTTP/1.1","status":200,"svc":"canary","ver":"2.0.0-bad","rt":0.000,"urt":"0.000","client":"172.22.0.1"}',
            },
            {
                offsetMs: 1012,
                message:
                    '{"time_local":"28/Nov/2026:05:51:15 +0000","host":"127.0.0.1","upstream_addr":"172.22.0.3:8000","request":"GET / HTTP/1.1","status":500,"svc":"canary","ver":"2.0.0-bad","rt":0.000,"urt":"0.000","client":"172.22.0.1"}',
            },
            {
                offsetMs: 1012,
                message:
                    '{"time_local":"28/Nov/2026:05:51:15 +0000","host":"127.0.0.1","upstream_addr":"172.22.0.3:8000","request":"GET / HTTP/1.1","status":200,"svc":"canary","ver":"2.0.0-bad","rt":0.000,"urt":"0.000","client":"172.22.0.1"}',
            },
            {
                offsetMs: 1012,
                message:
                    '{"time_local":"28/Nov/2026:05:51:15 +0000","host":"127.0.0.1","upstream_addr":"172.22.0.3:8000","request":"GET / HTTP/1.1","status":200,"svc":"canary","ver":"2.0.0-bad","rt":0.000,"urt":"0.000","client":"172.22.0.1"}',
            },
            {
                offsetMs: 1012,
                message:
                    '{"time_local":"28/Nov/2026:05:51:15 +0000","host":"127.0.0.1","upstream_addr":"172.22.0.3:8000","request":"GET / HTTP/1.1","status":200,"svc":"canary","ver":"2.0.0-bad","rt":0.001,"urt":"0.001","client":"172.22.0.1"}',
            },
            {
                offsetMs: 1012,
                message:
                    '{"time_local":"28/Nov/2026:05:51:15 +0000","host":"127.0.0.1","upstream_addr":"172.22.0.3:8000","request":"GET / HTTP/1.1","status":200,"svc":"canary","ver":"2.0.0-bad","rt":0.001,"urt":"0.001","client":"172.22.0.1"}',
            },
            {
                offsetMs: 1012,
                message:
                    '{"time_local":"28/Nov/2026:05:51:15 +0000","host":"127.0.0.1","upstream_addr":"172.22.0.2:8000","request":"GET / HTTP/1.1","status":200,"svc":"stable","ver":"1.0.0","rt":0.000,"urt":"0.001","client":"172.22.0.1"}',
            },
            {
                offsetMs: 1012,
                message:
                    '{"time_local":"28/Nov/2026:05:51:15 +0000","host":"127.0.0.1","upstream_addr":"172.22.0.2:8000","request":"GET / HTTP/1.1","status":200,"svc":"stable","ver":"1.0.0","rt":0.000,"urt":"0.001","client":"172.22.0.1"}',
            },
            {
                offsetMs: 1012,
                message:
                    '{"time_local":"28/Nov/2026:05:51:15 +0000","host":"127.0.0.1","upstream_addr":"172.22.0.2:8000","request":"GET / HTTP/1.1","status":200,"svc":"stable","ver":"1.0.0","rt":0.000,"urt":"0.000","client":"172.22.0.1"}',
            },
            { offsetMs: -3009, message: "webstack-entrypoint: wrote /etc/nginx/nginx.conf (resolvers: 127.0.0.11)" },
        ],
    },
} as const;
