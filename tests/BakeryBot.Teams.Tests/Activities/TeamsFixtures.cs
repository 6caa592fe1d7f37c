namespace BakeryBot.Teams.Tests.Activities;

/// <summary>
/// Copies of the shared Teams fixtures (<c>/work/shared/fixtures/teams/*.json</c>, hand-written instances of
/// documented Bot Framework activities; see that folder's README for the sources of each shape). Copied rather
/// than read from disk so the tests run wherever the test assembly does; the host's end-to-end tests send them too.
/// </summary>
public static class TeamsFixtures
{
    /// <summary><c>fixtures/teams/message.json</c>.</summary>
    public const string Message = """
        {
          "type": "message",
          "id": "1767225900123",
          "timestamp": "2026-01-01T00:05:00.123Z",
          "localTimestamp": "2026-01-01T01:05:00.123+01:00",
          "localTimezone": "Europe/Berlin",
          "serviceUrl": "https://smba.trafficmanager.net/emea/3c1f8e2a-7b4d-4e9f-a1c2-6d5e4f3a2b10/",
          "channelId": "msteams",
          "from": {
            "id": "29:1Zq8Xk3vN7bLm2Pq9Rt4Ws6Yu8Ia0Sd2Fg4Hj6Kl8Zx0Cv2Bn4Mq6We8Rt0Yu2Io4Pa6Sd8Fg0Hj2Kl4",
            "name": "Dana Oncall",
            "aadObjectId": "8d2e4f6a-1b3c-4d5e-9f70-a1b2c3d4e5f6"
          },
          "conversation": {
            "isGroup": true,
            "conversationType": "channel",
            "tenantId": "3c1f8e2a-7b4d-4e9f-a1c2-6d5e4f3a2b10",
            "id": "19:7a6b5c4d3e2f41a0b9c8d7e6f5a4b3c2@thread.tacv2;messageid=1767225900123"
          },
          "recipient": {
            "id": "28:b6a1d9f2-4c3e-4f7a-9d21-5e8c0a7b3f10",
            "name": "ChatOps Bot"
          },
          "textFormat": "plain",
          "text": "<at>ChatOps Bot</at> incident declare sev2 Checkout latency above SLO",
          "attachments": [
            {
              "contentType": "text/html",
              "content": "<p><span itemtype=\"http://schema.skype.com/Mention\" itemscope=\"\" itemid=\"0\">ChatOps Bot</span>&nbsp;incident declare sev2 Checkout latency above SLO</p>"
            }
          ],
          "entities": [
            {
              "type": "mention",
              "text": "<at>ChatOps Bot</at>",
              "mentioned": {
                "id": "28:b6a1d9f2-4c3e-4f7a-9d21-5e8c0a7b3f10",
                "name": "ChatOps Bot"
              }
            },
            {
              "type": "clientInfo",
              "locale": "en-US",
              "country": "US",
              "platform": "Web",
              "timezone": "Europe/Berlin"
            }
          ],
          "channelData": {
            "teamsChannelId": "19:7a6b5c4d3e2f41a0b9c8d7e6f5a4b3c2@thread.tacv2",
            "teamsTeamId": "19:0f1e2d3c4b5a49687766554433221100@thread.tacv2",
            "channel": {
              "id": "19:7a6b5c4d3e2f41a0b9c8d7e6f5a4b3c2@thread.tacv2"
            },
            "team": {
              "id": "19:0f1e2d3c4b5a49687766554433221100@thread.tacv2"
            },
            "tenant": {
              "id": "3c1f8e2a-7b4d-4e9f-a1c2-6d5e4f3a2b10"
            }
          },
          "locale": "en-US"
        }
        """;

    /// <summary><c>fixtures/teams/conversationUpdate.json</c>.</summary>
    public const string ConversationUpdate = """
        {
          "type": "conversationUpdate",
          "id": "f:6e2b8a1c-0d4f-4b3e-9a7c-5d1e2f3a4b5c",
          "timestamp": "2026-01-01T00:00:05.000Z",
          "serviceUrl": "https://smba.trafficmanager.net/emea/3c1f8e2a-7b4d-4e9f-a1c2-6d5e4f3a2b10/",
          "channelId": "msteams",
          "from": {
            "id": "29:1Zq8Xk3vN7bLm2Pq9Rt4Ws6Yu8Ia0Sd2Fg4Hj6Kl8Zx0Cv2Bn4Mq6We8Rt0Yu2Io4Pa6Sd8Fg0Hj2Kl4",
            "aadObjectId": "8d2e4f6a-1b3c-4d5e-9f70-a1b2c3d4e5f6"
          },
          "conversation": {
            "isGroup": true,
            "conversationType": "channel",
            "tenantId": "3c1f8e2a-7b4d-4e9f-a1c2-6d5e4f3a2b10",
            "id": "19:0f1e2d3c4b5a49687766554433221100@thread.tacv2"
          },
          "recipient": {
            "id": "28:b6a1d9f2-4c3e-4f7a-9d21-5e8c0a7b3f10",
            "name": "ChatOps Bot"
          },
          "membersAdded": [
            {
              "id": "28:b6a1d9f2-4c3e-4f7a-9d21-5e8c0a7b3f10"
            }
          ],
          "channelData": {
            "team": {
              "aadGroupId": "e4d3c2b1-a0f9-4e8d-b7c6-a5f4e3d2c1b0",
              "name": "Platform Operations",
              "id": "19:0f1e2d3c4b5a49687766554433221100@thread.tacv2"
            },
            "eventType": "teamMemberAdded",
            "tenant": {
              "id": "3c1f8e2a-7b4d-4e9f-a1c2-6d5e4f3a2b10"
            },
            "settings": {
              "selectedChannel": {
                "id": "19:0f1e2d3c4b5a49687766554433221100@thread.tacv2"
              }
            }
          }
        }
        """;

    /// <summary><c>fixtures/teams/invoke-adaptiveCard-action.json</c>.</summary>
    public const string CardAction = """
        {
          "type": "invoke",
          "name": "adaptiveCard/action",
          "id": "f:3b9d7c5a-1e2f-4a3b-8c4d-5e6f7a8b9c0d",
          "timestamp": "2026-01-01T00:06:10.456Z",
          "localTimestamp": "2026-01-01T01:06:10.456+01:00",
          "localTimezone": "Europe/Berlin",
          "serviceUrl": "https://smba.trafficmanager.net/emea/3c1f8e2a-7b4d-4e9f-a1c2-6d5e4f3a2b10/",
          "channelId": "msteams",
          "from": {
            "id": "29:1Zq8Xk3vN7bLm2Pq9Rt4Ws6Yu8Ia0Sd2Fg4Hj6Kl8Zx0Cv2Bn4Mq6We8Rt0Yu2Io4Pa6Sd8Fg0Hj2Kl4",
            "name": "Dana Oncall",
            "aadObjectId": "8d2e4f6a-1b3c-4d5e-9f70-a1b2c3d4e5f6"
          },
          "conversation": {
            "isGroup": true,
            "conversationType": "channel",
            "tenantId": "3c1f8e2a-7b4d-4e9f-a1c2-6d5e4f3a2b10",
            "id": "19:7a6b5c4d3e2f41a0b9c8d7e6f5a4b3c2@thread.tacv2;messageid=1767225900123"
          },
          "recipient": {
            "id": "28:b6a1d9f2-4c3e-4f7a-9d21-5e8c0a7b3f10",
            "name": "ChatOps Bot"
          },
          "replyToId": "1767225905555",
          "entities": [
            {
              "type": "clientInfo",
              "locale": "en-US",
              "country": "US",
              "platform": "Web",
              "timezone": "Europe/Berlin"
            }
          ],
          "channelData": {
            "channel": {
              "id": "19:7a6b5c4d3e2f41a0b9c8d7e6f5a4b3c2@thread.tacv2"
            },
            "team": {
              "id": "19:0f1e2d3c4b5a49687766554433221100@thread.tacv2"
            },
            "tenant": {
              "id": "3c1f8e2a-7b4d-4e9f-a1c2-6d5e4f3a2b10"
            },
            "source": {
              "name": "message"
            },
            "legacy": {
              "replyToId": "1:1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f"
            }
          },
          "value": {
            "action": {
              "type": "Action.Execute",
              "id": "ackButton",
              "verb": "incident.ack",
              "data": {
                "incidentId": "INC-2041",
                "note": "Looking at the checkout pods now"
              }
            },
            "trigger": "manual"
          },
          "locale": "en-US"
        }
        """;

    /// <summary><c>fixtures/teams/invoke-composeExtension-submitAction-message.json</c>.</summary>
    public const string SubmitAction = """
        {
          "type": "invoke",
          "name": "composeExtension/submitAction",
          "id": "f:9c8b7a6d-5e4f-4321-8abc-def012345678",
          "timestamp": "2026-01-01T00:10:00.789Z",
          "localTimestamp": "2026-01-01T01:10:00.789+01:00",
          "localTimezone": "Europe/Berlin",
          "serviceUrl": "https://smba.trafficmanager.net/emea/3c1f8e2a-7b4d-4e9f-a1c2-6d5e4f3a2b10/",
          "channelId": "msteams",
          "from": {
            "id": "29:7Hh2Jj4Kk6Ll8Mm0Nn2Oo4Pp6Qq8Rr0Ss2Tt4Uu6Vv8Ww0Xx2Yy4Zz6Aa8Bb0Cc2Dd4Ee6Ff8Gg0",
            "name": "Li Sre",
            "aadObjectId": "1f2e3d4c-5b6a-4798-8a9b-0c1d2e3f4a5b"
          },
          "conversation": {
            "isGroup": true,
            "conversationType": "channel",
            "tenantId": "3c1f8e2a-7b4d-4e9f-a1c2-6d5e4f3a2b10",
            "id": "19:a1b2c3d4e5f647389a0b1c2d3e4f5a6b@thread.tacv2;messageid=1767225990000"
          },
          "recipient": {
            "id": "28:b6a1d9f2-4c3e-4f7a-9d21-5e8c0a7b3f10",
            "name": "ChatOps Bot"
          },
          "entities": [
            {
              "type": "clientInfo",
              "locale": "en-US",
              "country": "US",
              "platform": "Windows",
              "timezone": "Europe/Berlin"
            }
          ],
          "channelData": {
            "channel": {
              "id": "19:a1b2c3d4e5f647389a0b1c2d3e4f5a6b@thread.tacv2"
            },
            "team": {
              "id": "19:0f1e2d3c4b5a49687766554433221100@thread.tacv2"
            },
            "tenant": {
              "id": "3c1f8e2a-7b4d-4e9f-a1c2-6d5e4f3a2b10"
            },
            "source": {
              "name": "message"
            }
          },
          "value": {
            "commandId": "createIncidentFromMessage",
            "commandContext": "message",
            "requestId": "4c5d6e7f8a9b4c0d9e1f2a3b4c5d6e7f",
            "context": {
              "theme": "default"
            },
            "data": {
              "title": "Checkout latency above SLO",
              "severity": "sev2",
              "notifyChannel": "true"
            },
            "messagePayload": {
              "id": "1767225990000",
              "replyToId": null,
              "createdDateTime": "2026-01-01T00:06:30.000Z",
              "lastModifiedDateTime": null,
              "deleted": false,
              "subject": null,
              "summary": null,
              "importance": "normal",
              "locale": "en-us",
              "linkToMessage": "https://teams.microsoft.com/l/message/19:a1b2c3d4e5f647389a0b1c2d3e4f5a6b@thread.tacv2/1767225990000",
              "body": {
                "contentType": "html",
                "content": "<p>ALERT: p99 checkout latency 2.4s (threshold 800ms) in eu-west-1</p>"
              },
              "from": {
                "device": null,
                "conversation": null,
                "user": null,
                "application": {
                  "applicationIdentityType": "bot",
                  "id": "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9",
                  "displayName": "Monitoring Alerts"
                }
              },
              "attachments": [],
              "mentions": [],
              "reactions": []
            }
          },
          "locale": "en-US"
        }
        """;

    public static readonly string[] All = [Message, ConversationUpdate, CardAction, SubmitAction];
}
