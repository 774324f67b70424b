import Foundation

/// `exportdesk service units [--db PATH] [--socket PATH] [--user]`: a hardened systemd .socket/.service pair
/// for this binary. systemd owns the socket (socket activation), so it exists before the service starts and
/// clients queue in its backlog while the service restarts.
enum ServiceCommand {
    static func run(_ args: ArraySlice<String>) throws -> Int32 {
        let a = try Arguments(args, valued: ["db", "socket"], flags: ["user"])
        guard a.positionals == ["units"] else {
            throw Arguments.UsageError(description: "service takes one action: units")
        }
        let binary =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        print(units(binary: binary, user: a.flag("user"), db: a.value("db"), socket: a.value("socket")))
        return 0
    }

    static func units(binary: String, user: Bool, db: String?, socket: String?) -> String {
        // %t is /run (system) or $XDG_RUNTIME_DIR (user); %S is /var/lib or ~/.local/state.
        let socketPath = socket ?? (user ? "%t/exportdesk.sock" : "/run/exportdesk/exportdesk.sock")
        let database = db ?? "%S/exportdesk/exportdesk.sqlite"
        let install = user ? "~/.config/systemd/user/" : "/etc/systemd/system/"
        let ctl = user ? "systemctl --user" : "systemctl"
        var service = """
            [Unit]
            Description=ExportDesk JSON-RPC server (export support and internship programme)
            Documentation=https://exportdesk.invalid/README
            Requires=exportdesk.socket
            After=exportdesk.socket

            [Service]
            Type=simple
            ExecStart=\(binary) serve --db \(database)
            StateDirectory=exportdesk
            StateDirectoryMode=0700
            # SIGTERM: stop accepting, finish in-flight requests, checkpoint and close the database.
            KillSignal=SIGTERM
            TimeoutStopSec=45
            Restart=on-failure
            RestartSec=1
            NoNewPrivileges=yes
            ProtectSystem=strict
            PrivateTmp=yes
            PrivateDevices=yes
            ProtectKernelTunables=yes
            ProtectKernelModules=yes
            ProtectControlGroups=yes
            RestrictAddressFamilies=AF_UNIX
            RestrictNamespaces=yes
            LockPersonality=yes
            MemoryDenyWriteExecute=yes
            SystemCallArchitectures=native
            UMask=0077
            LimitNOFILE=4096


            """
        if !user {
            service = service.replacingOccurrences(
                of: "Type=simple\n",
                with:
                    "Type=simple\n# Its own unprivileged user, made for it; clients other than that user authenticate with a token.\nDynamicUser=yes\nProtectHome=yes\n"
            )
        }
        service += """
            [Install]
            WantedBy=\(user ? "default.target" : "multi-user.target")
            """
        let socketUnit = """
            [Unit]
            Description=ExportDesk socket

            [Socket]
            ListenStream=\(socketPath)
            SocketMode=0600
            \(user ? "" : "DirectoryMode=0755\n")Accept=no
            Backlog=4096

            [Install]
            WantedBy=sockets.target
            """
        return """
            # exportdesk.socket — save as \(install)exportdesk.socket
            \(socketUnit)

            # exportdesk.service — save as \(install)exportdesk.service
            \(service)

            # then: \(ctl) daemon-reload && \(ctl) enable --now exportdesk.socket
            """
    }
}
