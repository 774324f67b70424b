import Foundation
import JSON
import JSONRPC
import Testing

struct RPCSessionTests {
    let h = Harness { $0.registerTestMethods() }

    @Test func idsAreEchoedExactly() {
        h.send(#"{"jsonrpc":"2.0","id":9007199254740993,"method":"echo"}"# + "\n")
        h.send(#"{"jsonrpc":"2.0","id":"Ж-1","method":"echo"}"# + "\n")
        h.send(#"{"jsonrpc":"2.0","id":null,"method":"echo"}"# + "\n")
        h.send(#"{"jsonrpc":"2.0","id":1.50,"method":"echo"}"# + "\n")
        let raw = h.output.messages.map { $0["id"]!.serializedString() }
        #expect(raw == ["9007199254740993", "\"Ж-1\"", "null", "1.50"])
    }

    @Test func invalidIdTypesAreInvalidRequests() {
        h.send(#"{"jsonrpc":"2.0","id":true,"method":"echo"}"# + "\n")
        h.send(#"{"jsonrpc":"2.0","id":{"a":1},"method":"echo"}"# + "\n")
        for m in h.output.messages {
            #expect(m["error"]?["code"] == -32600)
            #expect(m["id"] == .null)
        }
        #expect(h.output.messages.count == 2)
    }

    @Test func notificationsGetNoResponseEvenOnError() {
        h.send(#"{"jsonrpc":"2.0","method":"echo","params":{"a":1}}"# + "\n")
        h.send(#"{"jsonrpc":"2.0","method":"no.such"}"# + "\n")
        h.send(#"{"jsonrpc":"2.0","method":"fail"}"# + "\n")
        h.send(#"{"jsonrpc":"2.0","id":7,"method":"echo"}"# + "\n")
        #expect(h.output.messages.map { $0["id"] } == [7])
    }

    @Test func positionalParamsAreInvalidParams() {
        h.send(#"{"jsonrpc":"2.0","id":1,"method":"echo","params":[1,2]}"# + "\n")
        let m = h.output.messages[0]
        #expect(m["error"]?["code"] == -32602)
        #expect(m["error"]?["data"]?["reason"] == "INVALID_PARAMS")
        #expect(m["error"]?["data"]?["errors"]?.arrayValue?.first?["keyword"] == "type")
    }

    @Test func everyErrorCarriesAReason() {
        h.send("{\n")  // parse error
        h.send(#"{"jsonrpc":"1.0","id":1,"method":"echo"}"# + "\n")  // invalid request
        h.send(#"{"jsonrpc":"2.0","id":2,"method":"nope"}"# + "\n")  // method not found
        h.send(#"{"jsonrpc":"2.0","id":3,"method":"needsName","params":{}}"# + "\n")
        h.send(#"{"jsonrpc":"2.0","id":4,"method":"fail"}"# + "\n")  // internal
        h.send(#"{"jsonrpc":"2.0","id":5,"method":"$/whatever"}"# + "\n")  // $/ requests are not found
        let errors = h.output.messages.map { $0["error"]! }
        #expect(errors.map { $0["code"]!.int64Value! } == [-32700, -32600, -32601, -32602, -32603, -32601])
        #expect(
            errors.map { $0["data"]!["reason"]!.stringValue! } == [
                "PARSE_ERROR", "INVALID_REQUEST", "METHOD_NOT_FOUND", "INVALID_PARAMS", "INTERNAL", "METHOD_NOT_FOUND",
            ])
        #expect(errors[2]["data"]?["method"] == "nope")
        #expect(errors[3]["data"]?["errors"]?.arrayValue?.first?["instancePath"] == "/name")
        #expect(errors[4]["message"]?.stringValue?.contains("Boom") == false, "internal details stay in the log")
    }

    @Test func batchesAnswerEachEntryAndSkipNotifications() {
        h.send(
            #"[{"jsonrpc":"2.0","id":1,"method":"echo","params":{"x":1}},{"jsonrpc":"2.0","method":"echo"},1,{"jsonrpc":"2.0","id":2,"method":"nope"}]"#
                + "\n")
        let batch = h.output.messages[0].arrayValue ?? []
        #expect(batch.count == 3)
        #expect(batch.contains { $0["id"] == 1 && $0["result"]?["x"] == 1 })
        #expect(batch.contains { $0["id"] == .null && $0["error"]?["code"] == -32600 })
        #expect(batch.contains { $0["id"] == 2 && $0["error"]?["code"] == -32601 })
        h.send(#"[{"jsonrpc":"2.0","method":"echo"},{"jsonrpc":"2.0","method":"echo"}]"# + "\n")
        h.send(#"{"jsonrpc":"2.0","id":"after","method":"echo"}"# + "\n")
        #expect(h.output.messages.count == 2, "a batch of notifications gets no response")
    }

    @Test func batchLimitAndEmptyBatch() {
        var limits = RPCLimits()
        limits.maxBatchEntries = 3
        let h = Harness(limits: limits) { $0.registerTestMethods() }
        h.send("[]\n")
        let call = #"{"jsonrpc":"2.0","id":1,"method":"echo"}"#
        h.send("[\(call),\(call),\(call),\(call)]\n")
        h.send("[\(call),\(call),\(call)]\n")
        let m = h.output.messages
        #expect(m[0]["error"]?["code"] == -32600)
        #expect(m[1]["error"]?["code"] == -32600)
        #expect(m[1]["error"]?["message"]?.stringValue?.contains("limit of 3") == true)
        #expect(m[2].arrayValue?.count == 3)
    }

    @Test func depthLimitIsAParseError() {
        var limits = RPCLimits()
        limits.maxDepth = 5
        let h = Harness(limits: limits) { $0.registerTestMethods() }
        h.send(#"{"jsonrpc":"2.0","id":1,"method":"echo","params":{"a":[[[[1]]]]}}"# + "\n")
        h.send(#"{"jsonrpc":"2.0","id":2,"method":"echo","params":{"a":[[1]]}}"# + "\n")
        let m = h.output.messages
        #expect(m[0]["error"]?["code"] == -32700)
        #expect(m[1]["id"] == 2 && m[1]["result"] != nil)
    }

    @Test func cancelRequestAnswersCancelled() async {
        h.send(#"{"jsonrpc":"2.0","id":"long","method":"slow"}"# + "\n")
        h.send(#"{"jsonrpc":"2.0","id":"quick","method":"echo"}"# + "\n")
        #expect(h.output.messages.map { $0["id"] } == ["quick"], "a running request does not block the next one")
        h.send(#"{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":"long"}}"# + "\n")
        let m = await h.output.waitForMessages(2)
        #expect(m.count == 2)
        #expect(m.last?["id"] == "long")
        #expect(m.last?["error"]?["code"] == -32800)
        #expect(m.last?["error"]?["data"]?["reason"] == "REQUEST_CANCELLED")
    }

    /// A request that finished despite the cancellation (a write already committed) answers its result:
    /// -32800 would tell the client that nothing happened.
    @Test func aRequestThatFinishesAfterACancelAnswersItsResult() async {
        h.send(#"{"jsonrpc":"2.0","id":7,"method":"committed"}"# + "\n")
        h.send(#"{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":7}}"# + "\n")
        let m = await h.output.waitForMessages(1)
        #expect(m.first?["result"] == "written")
    }

    @Test func cancellingAFinishedOrUnknownRequestIsHarmless() async {
        h.send(#"{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":12345}}"# + "\n")
        h.send(#"{"jsonrpc":"2.0","method":"$/otherNotification"}"# + "\n")
        h.send(#"{"jsonrpc":"2.0","id":1,"method":"slow","params":{"ms":1}}"# + "\n")
        let m = await h.output.waitForMessages(1)
        #expect(m.count == 1)
        #expect(m.first?["result"] == "finished")
    }

    @Test func batchWithAsyncEntriesIsAnsweredTogether() async {
        h.send(
            #"[{"jsonrpc":"2.0","id":1,"method":"slow","params":{"ms":20}},{"jsonrpc":"2.0","id":2,"method":"echo","params":{}}]"#
                + "\n")
        let m = await h.output.waitForMessages(1)
        #expect(m.count == 1)
        #expect(Set((m.first?.arrayValue ?? []).compactMap { $0["id"] }) == [1, 2])
    }

    @Test func shuttingDownRefusesNewRequests() {
        h.core.beginShutdown()
        h.send(#"{"jsonrpc":"2.0","id":1,"method":"echo"}"# + "\n")
        #expect(h.output.messages.first?["error"]?["data"]?["reason"] == "SHUTTING_DOWN")
        #expect(h.output.messages.first?["error"]?["code"] == -32003)
    }

    @Test func tooManyRunningRequestsIsOverloaded() {
        var limits = RPCLimits()
        limits.maxInFlightPerConnection = 2
        let h = Harness(limits: limits) { $0.registerTestMethods() }
        for i in 1...3 { h.send(#"{"jsonrpc":"2.0","id":\#(i),"method":"slow"}"# + "\n") }
        let m = h.output.messages
        #expect(m.count == 1)
        #expect(m.first?["id"] == 3)
        #expect(m.first?["error"]?["data"]?["reason"] == "OVERLOADED")
        h.session.close()
    }

    @Test func contentLengthRequestsGetContentLengthResponses() {
        let body = #"{"jsonrpc":"2.0","id":1,"method":"echo","params":{"ж":1}}"#
        h.send("Content-Length: \(body.utf8.count)\r\n\r\n\(body)")
        let text = String(decoding: h.output.raw, as: UTF8.self)
        let expectedBody = #"{"jsonrpc":"2.0","id":1,"result":{"ж":1}}"#
        #expect(text == "Content-Length: \(expectedBody.utf8.count)\r\n\r\n\(expectedBody)")
    }
}

extension RPCSessionTests {
    /// A handler may answer JSON text it already has (a record as stored): it goes into the response as it
    /// is, inline and as a task, in a batch too, and the answer reads back as that JSON.
    @Test func aSerializedAnswerIsSentAsItIs() async {
        let stored = Array(#"{"id":"co_1","name":"ООО \"Ромашка\"","tags":["a"],"n":1.50}"#.utf8)
        let h = Harness { registry in
            registry.register(RPCMethod(name: "inline", handler: .syncAnswer { _, _ in .serialized(stored) }))
            registry.register(RPCMethod(name: "task", handler: .asyncAnswer { _, _ in .serialized(stored) }))
        }
        h.send(#"{"jsonrpc":"2.0","id":1,"method":"inline"}"# + "\n")
        h.send(#"{"jsonrpc":"2.0","id":2,"method":"task"}"# + "\n")
        h.send(#"[{"jsonrpc":"2.0","id":3,"method":"inline"},{"jsonrpc":"2.0","id":4,"method":"task"}]"# + "\n")
        let messages = await h.output.waitForMessages(3)
        let expected = try? JSONParser.parse(stored)
        #expect(messages.count == 3)
        #expect(messages.first { $0["id"] == 1 }?["result"] == expected)
        #expect(messages.first { $0["id"] == 2 }?["result"] == expected)
        let batch = messages.first { $0.arrayValue != nil }?.arrayValue ?? []
        #expect(batch.map { $0["result"] } == [expected, expected])
        #expect(messages.first { $0["id"] == 1 }?["result"]?["n"]?.serializedString() == "1.50", "digits kept")
        #expect((try? RPCAnswer.serialized(stored).parsed()) == expected)
    }
}
